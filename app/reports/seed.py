"""The seed categories of field reports, with routing, deadlines and extra questions."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.places import services as places
from app.reports.models import Category, CategoryQuestion, UnitType

# code, Vietnamese name, English name, agency code (None = the ward), result photo required
CATEGORIES: tuple[tuple[str, str, str, str | None, bool], ...] = (
    ("road_damage", "Hư hỏng đường, ổ gà", "Road damage, potholes", None, True),
    ("traffic", "Ùn tắc giao thông", "Traffic congestion", "transport", False),
    ("waste", "Rác thải, vệ sinh môi trường", "Waste and sanitation", None, True),
    ("construction", "Trật tự xây dựng", "Construction order", None, True),
    ("sidewalk", "Lấn chiếm vỉa hè, lòng đường", "Sidewalk encroachment", None, True),
    ("lighting", "Chiếu sáng công cộng", "Street lighting", "utilities", True),
    ("water", "Cấp nước, ngập úng", "Water supply and flooding", "utilities", True),
    ("trees", "Cây xanh", "Trees", None, True),
    ("security", "An ninh, trật tự", "Security and public order", "police", False),
    ("noise", "Tiếng ồn", "Noise", None, False),
    ("other", "Khác", "Other", None, False),
)

QUESTIONS: dict[str, tuple[dict, ...]] = {
    "road_damage": (
        {"code": "size", "label": "Kích thước chỗ hư hỏng", "label_en": "Size of the damage",
         "kind": "single", "required": True, "options": [
             {"value": "small", "label": "Nhỏ (dưới 30 cm)", "label_en": "Small (under 30 cm)"},
             {"value": "medium", "label": "Vừa (30 cm – 1 m)", "label_en": "Medium (30 cm – 1 m)"},
             {"value": "large", "label": "Lớn (trên 1 m)", "label_en": "Large (over 1 m)"}]},
        {"code": "danger", "label": "Nguy hiểm cho", "label_en": "Dangerous for",
         "kind": "multiple", "required": False, "options": [
             {"value": "motorbikes", "label": "Xe máy", "label_en": "Motorbikes"},
             {"value": "cars", "label": "Ô tô", "label_en": "Cars"},
             {"value": "pedestrians", "label": "Người đi bộ", "label_en": "Pedestrians"}]},
    ),
    "lighting": (
        {"code": "pole", "label": "Số hiệu cột đèn (nếu thấy)", "label_en": "Lamp post number (if visible)",
         "kind": "text", "required": False, "options": []},
    ),
    "water": (
        {"code": "kind", "label": "Loại sự việc", "label_en": "What is happening",
         "kind": "single", "required": True, "options": [
             {"value": "flooding", "label": "Ngập úng", "label_en": "Flooding"},
             {"value": "no_water", "label": "Mất nước", "label_en": "No water"},
             {"value": "leak", "label": "Vỡ, rò rỉ đường ống", "label_en": "Burst or leaking pipe"}]},
    ),
}


def load_categories() -> int:
    """Insert the seed categories that are missing (existing ones are left as admins set them)."""
    existing = set(db.session.scalars(sa.select(Category.code)))
    added = 0
    for position, (code, name, name_en, agency_code, photo_required) in enumerate(CATEGORIES):
        if code in existing:
            continue
        agency = places.agency_by_code(agency_code) if agency_code else None
        category = Category(
            code=code, name=name, name_en=name_en, position=position,
            unit_type=UnitType.AGENCY if agency else UnitType.WARD,
            agency_id=agency.id if agency else None, result_photo_required=photo_required,
        )
        for i, question in enumerate(QUESTIONS.get(code, ())):
            category.questions.append(CategoryQuestion(position=i, **question))
        db.session.add(category)
        added += 1
    db.session.flush()
    return added
