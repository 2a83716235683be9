"""Who builds, answers and reads surveys. Scope: the wards and agencies of an official's grants."""

from __future__ import annotations

from app.auth.models import IdentityLevel
from app.auth.permissions import has_level, is_city_admin, is_official


def can_build_surveys(user) -> bool:
    return is_official(user) or is_city_admin(user)


def can_manage_survey(user, survey) -> bool:
    if is_city_admin(user):
        return True
    if not is_official(user):
        return False
    if survey.ward_id is not None:
        return survey.ward_id in user.ward_ids
    return survey.agency_id in user.agency_ids


def can_view_survey(user, survey) -> bool:
    return survey.status == "published" or can_manage_survey(user, survey)


def can_answer(user) -> bool:
    """Level 1 (a verified phone) or more: one answer per account means little without it."""
    return has_level(user, IdentityLevel.PHONE)
