"""FAQ entries written for the demo (marked as sample content), and the index over every source."""

from __future__ import annotations

import sqlalchemy as sa

from app.answers import index
from app.answers.models import FaqEntry
from app.extensions import db
from app.places.models import Agency

# question, answer, agency code (None: general)
FAQS: tuple[tuple[str, str, str | None], ...] = (
    ("Tôi làm thẻ căn cước ở đâu?",
     "Bạn đến công an phường, xã nơi cư trú hoặc điểm thu nhận lưu động để làm thẻ căn cước; mang theo giấy tờ "
     "nếu thông tin chưa có trong Cơ sở dữ liệu quốc gia về dân cư. Có thể đặt lịch trước trên Cổng dịch vụ công.",
     "police"),
    ("Mất thẻ căn cước thì phải làm gì?",
     "Báo mất và đề nghị cấp lại thẻ căn cước tại công an phường, xã; lệ phí cấp lại 70.000 đồng. Trong thời gian "
     "chờ, bạn có thể dùng tài khoản định danh điện tử VNeID mức 2.",
     "police"),
    ("Giờ làm việc của bộ phận một cửa UBND phường?",
     "Bộ phận một cửa của UBND phường, xã tiếp nhận hồ sơ từ thứ Hai đến thứ Sáu, sáng 8:00–12:00, chiều "
     "13:00–17:00, trừ ngày lễ. Một số phường tiếp nhận thêm sáng thứ Bảy.",
     None),
    ("Nộp hồ sơ trực tuyến như thế nào?",
     "Đăng nhập Cổng dịch vụ công bằng tài khoản VNeID, chọn thủ tục, điền tờ khai, đính kèm ảnh chụp giấy tờ và "
     "theo dõi kết quả trên cổng. Nhiều thủ tục được miễn hoặc giảm lệ phí khi nộp trực tuyến.",
     None),
    ("Sau bao lâu trẻ sinh ra phải đi khai sinh?",
     "Cha hoặc mẹ phải đăng ký khai sinh cho con trong 60 ngày kể từ ngày sinh, tại UBND phường, xã nơi cư trú. "
     "Đăng ký đúng hạn được miễn lệ phí; thẻ bảo hiểm y tế của trẻ được làm cùng lúc.",
     "justice"),
    ("Sổ hộ khẩu giấy còn dùng được không?",
     "Từ năm 2023 sổ hộ khẩu và sổ tạm trú giấy không còn giá trị. Thông tin cư trú nằm trong Cơ sở dữ liệu quốc "
     "gia; khi cần, bạn xin giấy xác nhận thông tin về cư trú hoặc dùng ứng dụng VNeID.",
     "police"),
    ("Thuê trọ có phải đăng ký tạm trú không?",
     "Có. Người đến ở từ 30 ngày trở lên tại chỗ thuê, mượn phải đăng ký tạm trú với công an phường, xã; chủ nhà "
     "hoặc người thuê đều có thể nộp hồ sơ, kèm hợp đồng thuê nhà.",
     "police"),
    ("Công chứng bản sao giấy tờ ở đâu, mất bao nhiêu tiền?",
     "Chứng thực bản sao từ bản chính làm tại UBND phường, xã hoặc văn phòng công chứng; lệ phí 2.000 đồng mỗi "
     "trang, từ trang thứ ba 1.000 đồng mỗi trang, lấy ngay trong ngày.",
     "justice"),
    ("Xây nhà có cần xin giấy phép không?",
     "Nhà ở riêng lẻ trong đô thị phải có giấy phép xây dựng trước khi khởi công, trừ một số trường hợp sửa chữa "
     "bên trong không ảnh hưởng kết cấu. Hồ sơ nộp tại UBND phường, xã; thời hạn 15 ngày.",
     "transport"),
    ("Mở quán ăn nhỏ cần đăng ký gì?",
     "Hộ gia đình mở quán cần đăng ký hộ kinh doanh tại UBND phường, xã, và giấy chứng nhận cơ sở đủ điều kiện an "
     "toàn thực phẩm hoặc bản cam kết tùy quy mô.",
     "finance"),
    ("Phản ánh ổ gà, đèn đường hỏng ở đâu?",
     "Dùng mục Phản ánh, kiến nghị của ứng dụng: chụp ảnh, chọn phường và loại sự việc. Phản ánh được chuyển "
     "đúng đơn vị, có thời hạn xử lý và bạn được báo khi có kết quả.",
     None),
    ("Người cao tuổi được hưởng trợ cấp gì?",
     "Người từ 75 tuổi không có lương hưu, trợ cấp bảo hiểm xã hội hằng tháng được hưởng trợ cấp xã hội hằng tháng; "
     "người từ 60 tuổi thuộc hộ nghèo cũng được hưởng. Nộp tờ khai tại UBND phường, xã.",
     "home_affairs"),
    ("Đổi bằng lái xe hết hạn ở đâu?",
     "Nộp hồ sơ đổi giấy phép lái xe trực tuyến trên Cổng dịch vụ công hoặc tại bộ phận một cửa của Sở; cần giấy "
     "khám sức khỏe; lệ phí 135.000 đồng.",
     "transport"),
    ("Làm sao để tài khoản của tôi được xác thực mức 2?",
     "Liên kết tài khoản VNeID trong trang Tài khoản của tôi, hoặc nhập số căn cước, họ tên, ngày sinh để hệ thống "
     "kiểm tra. Tài khoản mức 2 dùng được phản ánh thủ tục hành chính và sổ sức khỏe điện tử.",
     None),
    ("Đăng ký kết hôn cần những gì?",
     "Hai người cùng đến UBND phường, xã nơi một trong hai người cư trú, mang căn cước và tờ khai đăng ký kết hôn; "
     "được cấp giấy chứng nhận kết hôn ngay trong ngày nếu hồ sơ đủ.",
     "justice"),
    ("Xin phiếu lý lịch tư pháp mất bao lâu?",
     "Phiếu lý lịch tư pháp được cấp trong khoảng 10 ngày làm việc tại Sở Tư pháp; có thể nộp và nhận qua Cổng "
     "dịch vụ công, lệ phí 200.000 đồng.",
     "justice"),
    ("Con chuyển trường khi chuyển nhà thì làm thế nào?",
     "Phụ huynh làm đơn xin chuyển trường, kèm học bạ và giấy xác nhận cư trú, gửi trường đang học và trường "
     "muốn chuyển đến; phòng giáo dục giải quyết trong 3 ngày làm việc.",
     "education"),
    ("Sang tên sổ đỏ khi mua nhà làm ở đâu?",
     "Sau khi công chứng hợp đồng mua bán, nộp hồ sơ đăng ký biến động đất đai tại bộ phận một cửa; nộp lệ phí "
     "trước bạ 0,5% và thuế thu nhập cá nhân nếu có.",
     "environment"),
    ("Bị hỏi thêm giấy tờ không có trong quy định thì sao?",
     "Bạn có thể gửi phản ánh thủ tục hành chính (cần tài khoản mức 2), nêu thủ tục, số hồ sơ và việc đã xảy ra; "
     "phản ánh được chuyển đến cơ quan phụ trách thủ tục và có thời hạn trả lời.",
     None),
    ("Xác nhận độc thân để làm gì, xin ở đâu?",
     "Giấy xác nhận tình trạng hôn nhân dùng khi kết hôn ở nơi khác, mua bán nhà đất, vay vốn ngân hàng; xin tại "
     "UBND phường, xã nơi thường trú, thời hạn 3 ngày làm việc.",
     "justice"),
)


def load_faqs() -> int:
    agencies = {a.code: a.id for a in db.session.scalars(sa.select(Agency))}
    existing = set(db.session.scalars(sa.select(FaqEntry.question)))
    added = 0
    for question, answer, agency in FAQS:
        if question in existing:
            continue
        db.session.add(FaqEntry(question=question, answer=answer, agency_id=agencies.get(agency) if agency else None,
                                published=True, sample=True))
        added += 1
    db.session.flush()
    return added


def seed() -> dict[str, int]:
    """FAQ entries, then every source indexed (idempotent)."""
    added = load_faqs()
    return {"faqs_created": added, "answer_documents": index.rebuild()}
