"""About 200 realistic demo reports in several wards and states, with photos drawn by code."""

from __future__ import annotations

import io
import random
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from app.auth.models import OidcIdentity, User
from app.core.models import as_of as at
from app.core.models import utcnow
from app.extensions import db
from app.places import services as places
from app.reports import services
from app.reports.models import Category, Level, PhotoKind, RejectReason, Report

WARDS = {
    "phuong_hoan_kiem": (21.0287, 105.8524),
    "phuong_cua_nam": (21.0245, 105.8412),
    "phuong_ba_dinh": (21.0368, 105.8342),
    "phuong_dong_da": (21.0181, 105.8290),
    "phuong_hai_ba_trung": (21.0060, 105.8570),
}

DESCRIPTIONS = {
    "road_damage": ["Ổ gà sâu khoảng 20 cm giữa làn xe máy, rất nguy hiểm buổi tối.",
                    "Mặt đường bị lún, nứt sau trận mưa lớn, nước đọng thành vũng."],
    "traffic": ["Ùn tắc kéo dài giờ cao điểm do xe đỗ sai quy định ở ngã tư.",
                "Đèn tín hiệu giao thông hỏng, xe cộ đi lộn xộn."],
    "waste": ["Rác thải sinh hoạt tập kết sai nơi quy định, bốc mùi hôi.",
              "Phế thải xây dựng đổ trộm trên vỉa hè đầu ngõ."],
    "construction": ["Công trình xây dựng không che chắn, bụi bay sang nhà dân.",
                     "Nhà đang xây vượt quá số tầng được cấp phép."],
    "sidewalk": ["Quán nước lấn chiếm hết vỉa hè, người đi bộ phải xuống lòng đường.",
                 "Xe máy đỗ kín vỉa hè trước cửa hàng."],
    "lighting": ["Đèn đường tắt cả đoạn phố từ tối qua.", "Cột đèn nghiêng, dây điện võng thấp."],
    "water": ["Ngập sâu 30 cm sau mưa, cống thoát nước bị tắc.", "Vỡ đường ống nước, nước chảy tràn ra đường."],
    "trees": ["Cây xanh gãy cành lớn, có nguy cơ đổ vào người đi đường.", "Cây bị sâu bệnh, rỗng gốc."],
    "security": ["Nhóm thanh niên tụ tập gây mất trật tự về đêm.", "Có dấu hiệu trộm cắp xe máy trong ngõ."],
    "noise": ["Karaoke mở to sau 23 giờ.", "Công trình thi công ban đêm gây tiếng ồn lớn."],
    "other": ["Biển chỉ dẫn bị che khuất.", "Nắp hố ga bị mất."],
}

ANSWERS = ["Đã cử tổ công tác kiểm tra và khắc phục xong.", "Đơn vị duy tu đã sửa chữa, hoàn trả mặt bằng.",
           "Đã xử lý vi phạm và yêu cầu cam kết không tái diễn."]

PALETTE = [(96, 125, 139), (121, 85, 72), (56, 142, 60), (251, 192, 45), (25, 118, 210)]


def demo_photo(rng: random.Random, fixed: bool = False) -> bytes:
    """A small scene drawn with Pillow: a street with a 'problem' (or its fixed state)."""
    w, h = 800, 600
    img = Image.new("RGB", (w, h), (200, 220, 235))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, h // 2, w, h], fill=(90, 90, 95))
    for x in range(0, w, 120):
        draw.rectangle([x + 20, h * 3 // 4 - 4, x + 80, h * 3 // 4 + 4], fill=(240, 240, 240))
    for _ in range(4):
        x = rng.randrange(0, w - 120)
        draw.rectangle([x, rng.randrange(60, 180), x + 100, h // 2], fill=rng.choice(PALETTE))
    if not fixed:
        cx, cy = rng.randrange(200, 600), rng.randrange(h // 2 + 60, h - 60)
        draw.ellipse([cx - 90, cy - 40, cx + 90, cy + 40], fill=(40, 35, 30))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def seed_reports(count: int = 200, seed: int = 2026) -> int:
    """Idempotent: does nothing if the demo reports exist already."""
    if db.session.scalar(sa.select(Report.id).where(Report.submission_id.like("demo-%")).limit(1)):
        return 0
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    citizens = db.session.scalars(sa.select(User).join(OidcIdentity).where(
        OidcIdentity.subject.like("demo-citizen-%"))).all()
    officials = {i.subject: i.user for i in db.session.scalars(
        sa.select(OidcIdentity).where(OidcIdentity.subject.like("demo-%")))}
    admin = officials.get("demo-admin")
    categories = db.session.scalars(sa.select(Category).order_by(Category.position)).all()
    wards = {code: places.ward_by_codename(code) for code in WARDS}
    photo_pool = [demo_photo(rng) for _ in range(12)]
    fixed_pool = [demo_photo(rng, fixed=True) for _ in range(6)]
    now = utcnow()
    created = 0
    for i in range(count):
        category = rng.choice(categories)
        ward_code = rng.choice(list(WARDS))
        lat0, lon0 = WARDS[ward_code]
        reporter = rng.choice(citizens)
        filed = now - timedelta(days=rng.uniform(0, 28), hours=rng.uniform(0, 8))
        handler = admin

        with at(filed):
            photo = services.store_photo(reporter, rng.choice(photo_pool))
            report, _ = services.submit_report(reporter, f"demo-{i}", services.NewReport(
                category=category, ward=wards[ward_code],
                description=rng.choice(DESCRIPTIONS.get(category.code, DESCRIPTIONS["other"])),
                lat=lat0 + rng.uniform(-0.004, 0.004), lon=lon0 + rng.uniform(-0.004, 0.004),
                address=f"Số {rng.randrange(1, 200)} phố demo", show_name=rng.random() < 0.3,
                photos=[photo]))
        fate = rng.random()
        age = now - filed
        if fate < 0.2 or age < timedelta(hours=6):
            created += 1
            continue  # still waiting to be accepted
        # Nothing may happen after `now`: a step that would falls out, and the report stays
        # in the state it had reached.
        accepted = filed + timedelta(hours=rng.uniform(1, 20))
        if accepted > now:
            created += 1
            continue
        with at(accepted):
            if fate < 0.28:
                services.reject(report, handler, rng.choice(list(RejectReason)[:2]),
                                "Nội dung không thuộc thẩm quyền xử lý.")
                created += 1
                continue
            services.accept(report, handler, rng.choice([Level.NORMAL, Level.NORMAL, Level.URGENT, Level.COMPLEX]))
        if fate < 0.55:
            created += 1
            continue  # being handled
        resolved = accepted + timedelta(hours=rng.uniform(2, 120))
        if resolved > now:
            created += 1
            continue
        with at(resolved):
            result = services.store_photo(handler, rng.choice(fixed_pool), PhotoKind.RESULT)
            services.resolve(report, handler, rng.choice(ANSWERS), [result])
        rated = resolved + timedelta(hours=rng.uniform(1, 30))
        if fate < 0.9 and rated <= now:
            with at(rated):
                satisfied = rng.random() < 0.8
                services.rate(report, report.reporter, satisfied,
                              "Cảm ơn cán bộ phường." if satisfied else "Chưa xử lý triệt để.")
        created += 1
    services.mark_overdue(now)
    db.session.flush()
    return created
