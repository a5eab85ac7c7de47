"""Who made a change: a signed-in user, an L2 customer's user (a push), or the system (a task, a sweep).

Services take the actor as a keyword (``actor=``), as they take the organization: the view, API view, task
or pipeline that calls them is the one that knows who is acting, and the entry is written with the change.
"""

from dataclasses import dataclass


class ActorKind:
    USER = "user"
    L2 = "l2"
    SYSTEM = "system"

    CHOICES = [(USER, "User"), (L2, "L2 customer"), (SYSTEM, "System")]


@dataclass(frozen=True)
class Actor:
    kind: str
    name: str
    user_id: int | None = None
    l2_customer_id: str = ""
    l2_username: str = ""

    @classmethod
    def of_user(cls, user) -> "Actor":
        """A signed-in user, named as people know them (full name, else username)."""
        name = (user.get_full_name() or "").strip() or user.get_username()
        return cls(kind=ActorKind.USER, name=name, user_id=user.pk)

    @classmethod
    def of_l2(cls, *, customer_id: str, username: str) -> "Actor":
        """The L2 user who pressed SEND UNIVERSE, of this L2 customer."""
        who = f"L2 user {username}" if username else "An L2 user"
        name = f"{who} ({customer_id})" if customer_id else who
        return cls(kind=ActorKind.L2, name=name, l2_customer_id=customer_id, l2_username=username)


SYSTEM = Actor(kind=ActorKind.SYSTEM, name="The portal")
