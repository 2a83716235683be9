"""Demo data for citizen reception and business consultation (sample content, made up):
reception sessions in the coming days, a draft open for comment with a published comment,
and a business question answered in public."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import OidcIdentity, User
from app.business import services as business
from app.business.models import Business, BusinessQuestion, Consultation
from app.cases import services as cases
from app.cases.models import Level
from app.core.models import utcnow
from app.extensions import db
from app.places import services as places
from app.reception import services as reception
from app.reception.models import ReceptionSession

DEMO_TAX_CODE = "0100109106"
CONSULTATION_TITLE = "Dự thảo quy định giờ hoạt động của cơ sở kinh doanh ăn uống trên phố đi bộ (mẫu)"


def _demo_user(subject: str) -> User | None:
    return db.session.scalar(sa.select(User).join(OidcIdentity).where(OidcIdentity.subject == subject))


def seed_reception_and_business() -> dict[str, int]:
    """Idempotent: each piece is made once, recognised by its unit, title or tax code."""
    made = {"reception_sessions": 0, "consultations": 0, "business_questions": 0}
    hoan_kiem = places.ward_by_codename("phuong_hoan_kiem")
    today = reception.local(utcnow()).date()
    if hoan_kiem is not None and db.session.scalar(sa.select(ReceptionSession.id).where(
            ReceptionSession.ward_id == hoan_kiem.id, ReceptionSession.day > today)) is None:
        for days, leader in ((2, "Ông Lê Văn Hùng, Chủ tịch UBND phường (mẫu)"),
                             (9, "Bà Nguyễn Thị Thu, Phó Chủ tịch UBND phường (mẫu)")):
            reception.create_session(
                None, ward_id=hoan_kiem.id, agency_id=None, leader=leader,
                place="Phòng tiếp công dân, UBND phường Hoàn Kiếm, 126 Hàng Trống", day=today + timedelta(days=days),
                topics="Đất đai, nhà ở\nTrật tự xây dựng\nVệ sinh môi trường\nChính sách xã hội",
                slots="08:00-08:30\n08:30-09:00\n09:00-09:30\n09:30-10:00\n14:00-14:30\n14:30-15:00",
                capacity=3, cancel_cutoff_hours=24)
            made["reception_sessions"] += 1

    lan, admin = _demo_user("demo-citizen-lan"), _demo_user("demo-admin")
    industry = places.agency_by_code("industry")
    if lan is None or admin is None or industry is None:
        return made
    shop = db.session.scalar(sa.select(Business).where(Business.user_id == lan.id,
                                                       Business.tax_code == DEMO_TAX_CODE))
    if shop is None:
        shop = business.declare_business(lan, name="Hộ kinh doanh Bún chả Hàng Mành (mẫu)", tax_code=DEMO_TAX_CODE,
                                         kind="household", role="owner")
    if db.session.scalar(sa.select(Consultation.id).where(Consultation.title == CONSULTATION_TITLE)) is None:
        now = utcnow()
        consultation = business.create_consultation(
            admin, agency_id=industry.id, title=CONSULTATION_TITLE,
            summary="Sở Công Thương lấy ý kiến hộ kinh doanh về khung giờ mở cửa và việc sử dụng vỉa hè.",
            body="Điều 1. Phạm vi điều chỉnh: cơ sở kinh doanh ăn uống trên các tuyến phố đi bộ.\n"
                 "Điều 2. Giờ hoạt động: từ 06:00 đến 24:00 các ngày trong tuần.\n"
                 "Điều 3. Không sử dụng lòng đường để bày bán.",
            opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=27))
        comment = business.add_comment(consultation, lan, shop,
                                       "Đề nghị cho phép hoạt động đến 01:00 vào tối thứ Bảy và Chủ nhật.")
        business.moderate(comment, admin, publish=True)
        made["consultations"] += 1
    if db.session.scalar(sa.select(BusinessQuestion.id).where(BusinessQuestion.business_id == shop.id)) is None:
        question, _created = business.ask(
            lan, shop, topic="food_safety", agency_id=None,
            title="Hộ kinh doanh bún chả có cần giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm không?",
            body="Quán nhỏ, 6 bàn, đã có đăng ký hộ kinh doanh. Tôi có phải xin thêm giấy chứng nhận an toàn "
                 "thực phẩm không, nộp ở đâu?", anonymous=True, submission_id="demo-business-question-1")
        cases.accept(question, admin, Level.NORMAL)
        cases.resolve(question, admin, "Cơ sở kinh doanh dịch vụ ăn uống do hộ kinh doanh thực hiện thuộc diện "
                                       "ký cam kết bảo đảm an toàn thực phẩm với UBND phường, không cần giấy chứng "
                                       "nhận (nội dung mẫu cho bản demo).")
        made["business_questions"] += 1
    db.session.flush()
    return made
