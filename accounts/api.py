"""``/api/v1/organization/l2-customers/``: the L2 customers the organization names as its own.

Any member may list them; only the organization's admins add and remove them.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .api_scope import OrganizationScopedMixin
from .models import L2Customer
from .selectors import l2_customer_list
from .services import l2_customer_add, l2_customer_remove


class IsOrganizationAdminOrSafe(permissions.BasePermission):
    message = "Only an admin of the organization can change its L2 customers."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        membership = getattr(request, "membership", None)
        return bool(membership and membership.is_admin)


class L2CustomerOutput(serializers.ModelSerializer):
    added_by = serializers.CharField(source="added_by.username", allow_null=True, default=None)

    class Meta:
        model = L2Customer
        fields = ["id", "customer_id", "added_by", "created_at"]


class L2CustomerInput(serializers.Serializer):
    customer_id = serializers.CharField(max_length=128)


class _L2CustomersApi(OrganizationScopedMixin, APIView):
    permission_classes = [*OrganizationScopedMixin.permission_classes, IsOrganizationAdminOrSafe]


@extend_schema(tags=["organization"])
class L2CustomerListApi(_L2CustomersApi):
    @extend_schema(responses=L2CustomerOutput(many=True))
    def get(self, request):
        return Response(L2CustomerOutput(l2_customer_list(organization=request.organization), many=True).data)

    @extend_schema(
        request=L2CustomerInput,
        responses={201: L2CustomerOutput, 409: None},
        description="Name an L2 customer (admins only); 409 when it is already named.",
    )
    def post(self, request):
        serializer = L2CustomerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = l2_customer_add(
            organization=request.organization,
            customer_id=serializer.validated_data["customer_id"],
            added_by=request.user,
        )
        return Response(L2CustomerOutput(customer).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["organization"])
class L2CustomerDetailApi(_L2CustomersApi):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        customer = get_object_or_404(l2_customer_list(organization=request.organization), pk=pk)
        l2_customer_remove(customer=customer)
        return Response(status=status.HTTP_204_NO_CONTENT)
