"""The L2 app's APIs: the signed endpoint L2 pushes to (``transmissions``), and the organization's answers
to pushes waiting for approval (``approvals``, part of the portal's REST API)."""

from .approvals import PendingRefreshApi, PendingRefreshApproveApi, PendingRefreshDeclineApi
from .transmissions import L2Throttle, TransmissionCreateView, TransmissionStatusView

__all__ = [
    "L2Throttle",
    "PendingRefreshApi",
    "PendingRefreshApproveApi",
    "PendingRefreshDeclineApi",
    "TransmissionCreateView",
    "TransmissionStatusView",
]
