"""Demo alerts (several kinds in force, one expired, one withdrawn) and surveys (one open with
answers, one closed with results). Idempotent: each is looked up by its title first."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.alerts import services as alerts
from app.alerts.models import Alert
from app.auth.models import OidcIdentity, User
from app.core.models import as_of as at
from app.core.models import utcnow
from app.extensions import db
from app.places import services as places
from app.surveys import services as surveys
from app.surveys.models import Survey, SurveyResponse

ALERTS = (
    # agency, kind, severity, urgency, certainty, title, summary, body, instruction, wards,
    # started (hours ago), lasts (days)
    ("police", "scam", "severe", "Immediate", "Observed",
     "Giả danh công an gọi điện yêu cầu cài ứng dụng “định danh điện tử”",
     "Kẻ gian gọi điện, xưng là công an phường, yêu cầu cài ứng dụng giả để “cập nhật VNeID” "
     "rồi chiếm tài khoản ngân hàng.",
     "Thủ đoạn:\n\n- Gọi điện hoặc kết bạn Zalo, xưng là **cán bộ công an**;\n- Gửi đường link tải ứng dụng giả;\n"
     "- Yêu cầu cấp quyền trợ năng và nhập mật khẩu ngân hàng.\n\n"
     "Công an **không bao giờ** hướng dẫn cài ứng dụng qua điện thoại.",
     "Không cài ứng dụng theo đường link lạ. Báo ngay cho công an phường nơi cư trú hoặc gọi 113.", (), 20, 30),
    ("police", "scam", "warning", "Expected", "Observed",
     "Lừa đảo tuyển cộng tác viên “việc nhẹ lương cao” qua mạng",
     "Các nhóm lừa đảo mời làm nhiệm vụ thả tim, đánh giá sản phẩm, trả thưởng vài lần rồi yêu cầu nạp tiền lớn.",
     "Sau vài nhiệm vụ nhỏ được trả tiền thật, nạn nhân bị yêu cầu **nạp tiền để nhận nhiệm vụ VIP** "
     "và không rút được.",
     "Không chuyển tiền cho người lạ để “nhận việc”. Giữ lại tin nhắn và báo công an.", (), 50, 60),
    ("police", "crime", "info", "Expected", "Likely",
     "Cảnh giác trộm cắp xe máy tại khu tập thể",
     "Một số vụ trộm xe máy để ở chân cầu thang khu tập thể vào ban đêm.",
     "Nên dùng khóa phụ và gửi xe ở nơi có người trông giữ.",
     "Khóa xe cẩn thận, báo ngay cho công an phường khi thấy người lạ khả nghi.", ("phuong_cua_nam",), 30, 14),
    ("transport", "traffic", "warning", "Expected", "Observed",
     "Phân luồng giao thông quanh hồ Hoàn Kiếm dịp cuối tuần",
     "Từ 18 giờ thứ Sáu đến 24 giờ Chủ nhật, các tuyến phố quanh hồ dành cho người đi bộ.",
     "Các phương tiện đi theo hướng dẫn của lực lượng chức năng tại các nút giao.",
     "Chủ động chọn lộ trình khác; gửi xe tại các điểm trông giữ được cấp phép.", ("phuong_hoan_kiem",), 8, 10),
    ("environment", "weather", "severe", "Expected", "Likely",
     "Mưa lớn, nguy cơ ngập úng nhiều tuyến phố nội thành",
     "Dự báo mưa to đến rất to trong 24 giờ tới, lượng mưa có nơi trên 100 mm.",
     "Các điểm thường xuyên ngập: phố Trần Duy Hưng, Nguyễn Khuyến, Phan Bội Châu.",
     "Hạn chế ra đường khi mưa lớn; không đi qua các đoạn ngập sâu, tránh xa cột điện.", (), 3, 2),
)
EXPIRED = ("health", "health", "warning", "Expected", "Likely",
           "Số ca sốt xuất huyết tăng tại một số phường",
           "Ngành y tế ghi nhận số ca sốt xuất huyết tăng trong tháng.",
           "Diệt lăng quăng, loại bỏ vật chứa nước đọng quanh nhà.",
           "Đến cơ sở y tế khi sốt cao liên tục.", (), 24 * 40, 20)
WITHDRAWN = ("police", "scam", "warning", "Expected", "Possible",
             "Tin nhắn giả mạo thông báo phạt nguội kèm đường link",
             "Tin nhắn SMS giả danh cơ quan chức năng thông báo phạt nguội, yêu cầu bấm vào đường link.",
             "Đường link dẫn tới trang web giả để lấy thông tin thẻ ngân hàng.",
             "Không bấm vào đường link trong tin nhắn lạ.", (), 24 * 6, 30)


def _user(sub: str) -> User | None:
    return db.session.scalar(sa.select(User).join(OidcIdentity).where(OidcIdentity.subject == sub))


def _alert(spec, officer, now) -> Alert:
    agency, kind, severity, urgency, certainty, title, summary, body, instruction, wards, hours_ago, days = spec
    start = now - timedelta(hours=hours_ago)
    ward_ids = tuple(places.ward_by_codename(w).id for w in wards)
    data = alerts.AlertData(kind=kind, severity=severity, urgency=urgency, certainty=certainty, title=title,
                            summary=summary, body=body, instruction=instruction, valid_from=start,
                            valid_until=start + timedelta(days=days), city_wide=not wards, ward_ids=ward_ids)
    with at(start):
        alert = alerts.create_draft(officer, places.agency_by_code(agency).id, data)
        alerts.publish(alert, officer)
    return alert


def seed_alerts() -> int:
    officer = _user("demo-admin")
    if officer is None:
        return 0
    now = utcnow()
    created = 0
    for spec in (*ALERTS, EXPIRED, WITHDRAWN):
        if db.session.scalar(sa.select(Alert.id).where(Alert.title == spec[5]).limit(1)) is not None:
            continue
        alert = _alert(spec, officer, now)
        if spec is EXPIRED:
            alerts.expire_due(now)
        elif spec is WITHDRAWN:
            with at(now - timedelta(hours=24 * 5)):
                alerts.withdraw(alert, officer,
                                "Đã xác minh: tin nhắn đã bị nhà mạng chặn, cảnh báo không còn cần thiết.")
        created += 1
    db.session.flush()
    return created


QUESTIONS = (
    ("Bạn hài lòng thế nào với thái độ của cán bộ?", "How satisfied are you with the staff's attitude?",
     "rating", True, []),
    ("Bạn đã làm thủ tục gì?", "Which procedure did you do?", "single", True,
     [("Hộ tịch", "Civil status"), ("Chứng thực", "Certification"), ("Đất đai", "Land"), ("Khác", "Other")]),
    ("Bạn liên hệ qua những kênh nào?", "How did you get in touch?", "multiple", False,
     [("Trực tiếp", "In person"), ("Dịch vụ công trực tuyến", "Online public services"), ("Điện thoại", "Phone")]),
    ("Thời gian giải quyết có đúng hẹn không?", "Was it done on time?", "rating", True, []),
    ("Góp ý để phường phục vụ tốt hơn", "Suggestions", "long_text", False, []),
)
ANSWERS = (
    {"q1": "5", "q2": "o1", "q3": ["o1"], "q4": "5", "q5": "Cán bộ hướng dẫn tận tình."},
    {"q1": "4", "q2": "o2", "q3": ["o1", "o2"], "q4": "4"},
    {"q1": "3", "q2": "o3", "q3": ["o2"], "q4": "2", "q5": "Phải chờ lâu, nên có thêm quầy buổi sáng."},
    {"q1": "5", "q2": "o1", "q3": ["o3"], "q4": "5"},
)


def _survey(title: str, ward: str, opened_days_ago: int, days: int, respondents: list[User], official) -> bool:
    if db.session.scalar(sa.select(Survey.id).where(Survey.title == title).limit(1)) is not None:
        return False
    now = utcnow()
    start = now - timedelta(days=opened_days_ago)
    with at(start - timedelta(hours=1)):
        survey = surveys.create(official, ward_id=places.ward_by_codename(ward).id, agency_id=None, title=title,
                                description="Ý kiến của bạn giúp phường cải thiện việc tiếp nhận "
                                            "và giải quyết thủ tục.",
                                open_from=start, open_until=start + timedelta(days=days))
        for label, label_en, kind, required, options in QUESTIONS:
            surveys.add_question(survey, official, label=label, label_en=label_en, kind=kind, required=required,
                                 options=options)
        surveys.publish(survey, official)
    for i, (user, answers) in enumerate(zip(respondents, ANSWERS, strict=False)):
        db.session.add(SurveyResponse(survey_id=survey.id, user_id=user.id, answers=answers,
                                              submitted_at=start + timedelta(hours=2 + i * 5)))
    db.session.flush()
    return True


def seed_surveys() -> int:
    official = _user("demo-ward-hoankiem")
    if official is None:
        return 0
    respondents = [u for u in (_user(s) for s in ("demo-citizen-lan", "demo-citizen-minh", "demo-police",
                                                   "demo-admin")) if u is not None]
    created = _survey("Khảo sát sự hài lòng về thủ tục hành chính tại Phường Hoàn Kiếm (quý IV)", "phuong_hoan_kiem",
                      10, 30, respondents[:2], official)
    created += _survey("Khảo sát sự hài lòng về thủ tục hành chính tại Phường Hoàn Kiếm (quý III)",
                       "phuong_hoan_kiem", 80, 30, respondents, official)
    return created
