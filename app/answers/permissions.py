"""Who may send questions, see them, and keep the FAQ."""

from __future__ import annotations

from app.answers.models import CitizenQuestion, FaqEntry
from app.auth.models import IdentityLevel
from app.auth.permissions import has_level, is_city_admin
from app.cases.permissions import can_handle_case, is_requester


def can_send_question(user) -> bool:
    return has_level(user, IdentityLevel.PHONE)


def can_view_question(user, question: CitizenQuestion) -> bool:
    return is_requester(user, question) or can_handle_case(user, question)


def can_manage_faq(user) -> bool:
    """Agency officials (for their agencies) and city admins keep the FAQ."""
    return is_city_admin(user) or bool(getattr(user, "is_authenticated", False) and user.agency_ids)


def can_edit_faq(user, faq: FaqEntry) -> bool:
    if is_city_admin(user):
        return True
    return can_manage_faq(user) and faq.agency_id in user.agency_ids
