"""About 30 common procedures, written for the demo and marked as sample content (not the city's
official text), and the agencies they belong to when the places list lacks them."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.places.models import Agency
from app.procedures import services
from app.procedures.models import Procedure

PORTAL = "https://dichvucong.hanoi.gov.vn/"

# Agencies that handle procedures but no field reports: added when missing.
AGENCIES = (
    ("justice", "Sở Tư pháp", "Department of Justice"),
    ("finance", "Sở Tài chính", "Department of Finance"),
    ("home_affairs", "Sở Nội vụ", "Department of Home Affairs"),
)

_ID = "Căn cước hoặc giấy tờ tùy thân có ảnh của người đi làm thủ tục"
_ONLINE = ("Nộp hồ sơ trực tuyến trên Cổng dịch vụ công hoặc trực tiếp tại bộ phận một cửa",
           "Cán bộ kiểm tra hồ sơ, hẹn ngày trả kết quả",
           "Nhận kết quả trực tiếp hoặc qua bưu điện")

# code, name, field, agency code, level, working days, fees, summary, documents, legal basis
PROCEDURES: tuple[tuple, ...] = (
    ("birth", "Đăng ký khai sinh", "civil_status", "justice", "ward", 1, "Miễn lệ phí nếu đăng ký đúng hạn",
     "Đăng ký khai sinh cho trẻ em mới sinh tại UBND phường, xã nơi cư trú của cha hoặc mẹ, trong 60 ngày kể từ ngày sinh.",
     ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh do bệnh viện hoặc cơ sở y tế cấp", _ID,
      "Giấy chứng nhận kết hôn của cha mẹ (nếu có)"), "Luật Hộ tịch 2014\nNghị định 123/2015/NĐ-CP"),
    ("birth-late", "Đăng ký khai sinh quá hạn", "civil_status", "justice", "ward", 3, "Theo biểu phí của thành phố",
     "Khai sinh cho người chưa được đăng ký khai sinh khi đã quá 60 ngày kể từ ngày sinh.",
     ("Tờ khai đăng ký khai sinh", "Văn bản cam đoan về việc chưa đăng ký khai sinh", _ID,
      "Giấy tờ chứng minh nơi sinh, ngày sinh (nếu có)"), "Luật Hộ tịch 2014"),
    ("birth-reissue", "Cấp bản sao trích lục khai sinh (giấy khai sinh bản sao)", "civil_status", "justice", "ward", 1,
     "8.000 đồng/bản", "Xin bản sao giấy khai sinh khi bị mất, hư hỏng hoặc cần nộp hồ sơ.",
     ("Tờ khai cấp bản sao trích lục hộ tịch", _ID), "Luật Hộ tịch 2014"),
    ("marriage", "Đăng ký kết hôn", "civil_status", "justice", "ward", 1, "Miễn lệ phí",
     "Hai bên nam nữ cùng có mặt tại UBND phường, xã nơi cư trú của một trong hai người để đăng ký kết hôn.",
     ("Tờ khai đăng ký kết hôn", "Căn cước của cả hai bên",
      "Giấy xác nhận tình trạng hôn nhân nếu đăng ký ở nơi không phải nơi thường trú"), "Luật Hôn nhân và gia đình 2014\nLuật Hộ tịch 2014"),
    ("marital-status", "Cấp giấy xác nhận tình trạng hôn nhân (giấy xác nhận độc thân)", "civil_status", "justice", "ward", 3,
     "Theo biểu phí của thành phố", "Xác nhận một người đang độc thân hoặc đã kết hôn, dùng để kết hôn, mua bán nhà đất, vay vốn.",
     ("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", _ID), "Nghị định 123/2015/NĐ-CP"),
    ("death", "Đăng ký khai tử", "civil_status", "justice", "ward", 1, "Miễn lệ phí",
     "Người thân đăng ký khai tử trong 15 ngày kể từ ngày người thân qua đời.",
     ("Tờ khai đăng ký khai tử", "Giấy báo tử hoặc giấy tờ thay giấy báo tử", _ID), "Luật Hộ tịch 2014"),
    ("guardianship", "Đăng ký giám hộ", "civil_status", "justice", "ward", 3, "Miễn lệ phí",
     "Đăng ký việc giám hộ cho trẻ em, người mất năng lực hành vi dân sự.",
     ("Tờ khai đăng ký giám hộ", "Văn bản cử người giám hộ", _ID), "Bộ luật Dân sự 2015"),
    ("name-change", "Thay đổi, cải chính hộ tịch (đổi tên, sửa ngày sinh)", "civil_status", "justice", "ward", 3,
     "Theo biểu phí của thành phố", "Đổi họ, tên, chữ đệm hoặc sửa sai sót trong giấy khai sinh.",
     ("Tờ khai thay đổi, cải chính hộ tịch", "Bản chính giấy khai sinh", "Giấy tờ chứng minh thông tin đúng"),
     "Luật Hộ tịch 2014"),
    ("permanent-residence", "Đăng ký thường trú (nhập hộ khẩu)", "residence", "police", "ward", 7, "20.000 đồng (miễn khi nộp trực tuyến)",
     "Đăng ký nơi thường trú mới cho công dân, thay cho việc nhập hộ khẩu trước đây.",
     ("Tờ khai thay đổi thông tin cư trú (CT01)", "Giấy tờ chứng minh chỗ ở hợp pháp: sổ đỏ, hợp đồng thuê, mượn nhà",
      "Ý kiến đồng ý của chủ hộ, chủ nhà (nếu nhập vào hộ đã có)"), "Luật Cư trú 2020\nNghị định 154/2024/NĐ-CP"),
    ("temporary-residence", "Đăng ký tạm trú", "residence", "police", "ward", 3, "15.000 đồng (miễn khi nộp trực tuyến)",
     "Người đến ở từ 30 ngày trở lên tại nơi không phải nơi thường trú phải đăng ký tạm trú, ví dụ sinh viên, người thuê trọ.",
     ("Tờ khai thay đổi thông tin cư trú (CT01)", "Hợp đồng thuê nhà, phòng trọ hoặc giấy tờ chứng minh chỗ ở hợp pháp"),
     "Luật Cư trú 2020"),
    ("temporary-absence", "Khai báo tạm vắng", "residence", "police", "ward", 1, "Miễn lệ phí",
     "Khai báo khi vắng mặt khỏi nơi cư trú trong thời gian dài.", ("Đề nghị khai báo tạm vắng", _ID), "Luật Cư trú 2020"),
    ("residence-removal", "Xóa đăng ký thường trú (cắt hộ khẩu)", "residence", "police", "ward", 3, "Miễn lệ phí",
     "Xóa tên khỏi nơi thường trú cũ khi chuyển đi hoặc theo quy định.", ("Tờ khai thay đổi thông tin cư trú (CT01)",),
     "Luật Cư trú 2020"),
    ("residence-confirmation", "Xác nhận thông tin về cư trú (thay sổ hộ khẩu)", "residence", "police", "ward", 1, "Miễn lệ phí",
     "Giấy xác nhận nơi cư trú dùng thay sổ hộ khẩu giấy khi làm các thủ tục khác.",
     ("Tờ khai thay đổi thông tin cư trú (CT01)", _ID), "Luật Cư trú 2020"),
    ("id-card", "Cấp thẻ căn cước (làm căn cước công dân)", "identity", "police", "ward", 7, "Miễn phí lần đầu; cấp lại 50.000 đồng",
     "Làm thẻ căn cước cho công dân từ 14 tuổi, hoặc trẻ em theo nhu cầu; thu nhận vân tay, ảnh mống mắt tại công an phường.",
     ("Không cần giấy tờ nếu thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư", "Giấy khai sinh nếu thông tin chưa có"),
     "Luật Căn cước 2023"),
    ("id-card-reissue", "Cấp đổi, cấp lại thẻ căn cước khi bị mất, hỏng", "identity", "police", "ward", 7, "Cấp đổi 30.000 đồng, cấp lại 70.000 đồng",
     "Làm lại thẻ căn cước khi thẻ bị mất, hư hỏng, thay đổi thông tin hoặc đủ tuổi phải đổi.",
     ("Thẻ căn cước cũ (nếu còn)", "Giấy tờ chứng minh thông tin thay đổi"), "Luật Căn cước 2023"),
    ("vneid", "Đăng ký tài khoản định danh điện tử mức độ 2 (VNeID)", "identity", "police", "ward", 7, "Miễn phí",
     "Kích hoạt tài khoản định danh điện tử mức 2 trên ứng dụng VNeID tại công an phường.",
     ("Thẻ căn cước gắn chip", "Điện thoại có số thuê bao chính chủ"), "Nghị định 69/2024/NĐ-CP"),
    ("copy-certify", "Chứng thực bản sao từ bản chính (công chứng giấy tờ)", "certification", "justice", "ward", 1, "2.000 đồng/trang, từ trang thứ ba 1.000 đồng/trang",
     "Chứng thực bản photo đúng với bản chính tại UBND phường, xã, thường gọi là công chứng giấy tờ.",
     ("Bản chính giấy tờ", "Bản sao cần chứng thực"), "Nghị định 23/2015/NĐ-CP"),
    ("signature-certify", "Chứng thực chữ ký", "certification", "justice", "ward", 1, "10.000 đồng/trường hợp",
     "Chứng thực chữ ký của người yêu cầu trên giấy tờ, văn bản.", (_ID, "Giấy tờ, văn bản cần ký"), "Nghị định 23/2015/NĐ-CP"),
    ("contract-certify", "Chứng thực hợp đồng, giao dịch về nhà ở", "certification", "justice", "ward", 2, "50.000 đồng/hợp đồng",
     "Chứng thực hợp đồng mua bán, tặng cho, thế chấp nhà ở tại UBND phường, xã.",
     ("Dự thảo hợp đồng", "Giấy chứng nhận quyền sử dụng đất, sở hữu nhà", "Căn cước của các bên"), "Nghị định 23/2015/NĐ-CP"),
    ("criminal-record", "Cấp phiếu lý lịch tư pháp", "certification", "justice", "city", 10, "200.000 đồng/lần",
     "Phiếu lý lịch tư pháp chứng minh một người có hay không có án tích, thường dùng khi xin việc, đi du học.",
     ("Tờ khai yêu cầu cấp phiếu lý lịch tư pháp", _ID), "Luật Lý lịch tư pháp 2009"),
    ("building-permit", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "construction", "transport", "ward", 15, "75.000 đồng/giấy phép",
     "Xin phép xây mới, sửa chữa, cải tạo nhà ở của hộ gia đình trong đô thị.",
     ("Đơn đề nghị cấp giấy phép xây dựng", "Giấy chứng nhận quyền sử dụng đất", "Bản vẽ thiết kế xây dựng",
      "Cam kết bảo đảm an toàn cho công trình liền kề"), "Luật Xây dựng 2014 (sửa đổi 2020)"),
    ("repair-permit", "Cấp giấy phép sửa chữa, cải tạo nhà ở", "construction", "transport", "ward", 15, "75.000 đồng/giấy phép",
     "Sửa chữa, cải tạo làm thay đổi kết cấu chịu lực hoặc mặt ngoài của nhà.",
     ("Đơn đề nghị", "Ảnh chụp hiện trạng công trình", "Bản vẽ cải tạo"), "Luật Xây dựng 2014"),
    ("land-certificate", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu (sổ đỏ)", "land", "environment", "ward", 20,
     "Lệ phí cấp giấy chứng nhận và lệ phí trước bạ theo quy định",
     "Cấp sổ đỏ lần đầu cho hộ gia đình, cá nhân đang sử dụng đất.",
     ("Đơn đăng ký đất đai, tài sản gắn liền với đất", "Giấy tờ về quyền sử dụng đất", "Chứng từ nộp nghĩa vụ tài chính"),
     "Luật Đất đai 2024"),
    ("land-transfer", "Đăng ký biến động đất đai khi mua bán, tặng cho (sang tên sổ đỏ)", "land", "environment", "ward", 10,
     "Lệ phí trước bạ 0,5% giá trị", "Sang tên giấy chứng nhận sau khi mua bán, tặng cho, thừa kế nhà đất.",
     ("Đơn đăng ký biến động", "Hợp đồng đã công chứng, chứng thực", "Giấy chứng nhận đã cấp"), "Luật Đất đai 2024"),
    ("household-business", "Đăng ký hộ kinh doanh", "business", "finance", "ward", 3, "100.000 đồng (miễn khi nộp trực tuyến)",
     "Đăng ký thành lập hộ kinh doanh: cửa hàng, quán ăn, dịch vụ nhỏ của gia đình.",
     ("Giấy đề nghị đăng ký hộ kinh doanh", "Căn cước của chủ hộ kinh doanh",
      "Hợp đồng thuê địa điểm kinh doanh (nếu thuê)"), "Nghị định 01/2021/NĐ-CP"),
    ("household-business-change", "Thay đổi nội dung đăng ký hộ kinh doanh", "business", "finance", "ward", 3, "100.000 đồng",
     "Đổi địa chỉ, ngành nghề, vốn hoặc chủ hộ kinh doanh.", ("Thông báo thay đổi nội dung đăng ký", "Giấy chứng nhận đã cấp"),
     "Nghị định 01/2021/NĐ-CP"),
    ("company", "Đăng ký thành lập doanh nghiệp (công ty)", "business", "finance", "city", 3, "50.000 đồng",
     "Thành lập công ty trách nhiệm hữu hạn, công ty cổ phần tại Phòng Đăng ký kinh doanh.",
     ("Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty", "Danh sách thành viên, cổ đông", "Căn cước của người đại diện"),
     "Luật Doanh nghiệp 2020"),
    ("driving-licence", "Cấp đổi giấy phép lái xe (bằng lái)", "transport", "transport", "city", 5, "135.000 đồng",
     "Đổi bằng lái xe hết hạn, bị hỏng hoặc đổi sang bằng lái mới.",
     ("Đơn đề nghị đổi giấy phép lái xe", "Giấy khám sức khỏe của người lái xe", "Giấy phép lái xe cũ"), "Thông tư 35/2024/TT-BGTVT"),
    ("school-transfer", "Chuyển trường cho học sinh trung học cơ sở", "education", "education", "ward", 3, "Miễn phí",
     "Xin chuyển trường cho con khi gia đình chuyển chỗ ở.", ("Đơn xin chuyển trường", "Học bạ", "Giấy xác nhận cư trú"),
     "Thông tư 50/2021/TT-BGDĐT"),
    ("health-insurance", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "health", "health", "ward", 5, "Miễn phí",
     "Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế miễn phí, thường làm cùng lúc với khai sinh.",
     ("Tờ khai tham gia bảo hiểm y tế", "Giấy khai sinh của trẻ"), "Luật Bảo hiểm y tế 2008 (sửa đổi 2024)"),
    ("social-allowance", "Đăng ký trợ cấp xã hội hằng tháng cho người cao tuổi", "social", "home_affairs", "ward", 10, "Miễn phí",
     "Người từ 75 tuổi không có lương hưu hoặc trợ cấp bảo hiểm xã hội được hưởng trợ cấp hằng tháng.",
     ("Tờ khai đề nghị trợ cấp xã hội", "Căn cước của người cao tuổi"), "Nghị định 20/2021/NĐ-CP"),
)


def ensure_agencies() -> None:
    existing = set(db.session.scalars(sa.select(Agency.code)))
    for code, name, name_en in AGENCIES:
        if code not in existing:
            db.session.add(Agency(code=code, name=name, name_en=name_en, active=True))
    db.session.flush()


def load_procedures() -> int:
    """Insert the sample procedures that are not there yet (idempotent); returns how many were added."""
    ensure_agencies()
    agencies = {a.code: a.id for a in db.session.scalars(sa.select(Agency))}
    existing = set(db.session.scalars(sa.select(Procedure.code)))
    added = 0
    for code, name, field, agency, level, days, fees, summary, documents, legal in PROCEDURES:
        if code in existing or agency not in agencies:
            continue
        procedure = Procedure(code=code, sample=True)
        services.save_procedure(procedure, None, {
            "name": name, "field": field, "agency_id": agencies[agency], "level": level,
            "processing_days": days, "fees": fees, "summary": summary, "documents": "\n".join(documents),
            "steps": "\n".join(_ONLINE), "legal_basis": legal, "portal_url": PORTAL, "active": True,
        })
        added += 1
    return added


def seed_demo_complaint(citizen, procedure_code: str = "marriage") -> bool:
    """One procedure complaint from a demo citizen (idempotent: its submission id is fixed)."""
    procedure = db.session.scalar(sa.select(Procedure).where(Procedure.code == procedure_code))
    if citizen is None or procedure is None:
        return False
    _complaint, created = services.file_complaint(citizen, "demo-complaint-1", services.NewComplaint(
        procedure=procedure, file_number="HS-000123",
        description="Hồ sơ đăng ký kết hôn nộp từ thứ Hai, hẹn trả trong ngày nhưng đến nay chưa có kết quả; "
                    "cán bộ yêu cầu bổ sung giấy xác nhận không có trong danh mục hồ sơ.",
        attachments=[]))
    return created
