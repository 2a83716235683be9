"""The answer desk's fixed evaluation set: questions as citizens type them (half without
diacritics), each with the sources that answer it (``procedure:<code>`` or ``faq:<question>``),
and questions that the data does not answer (no sources: the desk must say it found nothing good).

Read by ``bench/answer_desk.py`` and asserted by ``tests/answers/test_hit_rate.py``.
"""

F_ID_WHERE = "faq:Tôi làm thẻ căn cước ở đâu?"
F_ID_LOST = "faq:Mất thẻ căn cước thì phải làm gì?"
F_HOURS = "faq:Giờ làm việc của bộ phận một cửa UBND phường?"
F_ONLINE = "faq:Nộp hồ sơ trực tuyến như thế nào?"
F_BIRTH_WHEN = "faq:Sau bao lâu trẻ sinh ra phải đi khai sinh?"
F_HOUSEHOLD_BOOK = "faq:Sổ hộ khẩu giấy còn dùng được không?"
F_RENT = "faq:Thuê trọ có phải đăng ký tạm trú không?"
F_COPY = "faq:Công chứng bản sao giấy tờ ở đâu, mất bao nhiêu tiền?"
F_BUILD = "faq:Xây nhà có cần xin giấy phép không?"
F_SHOP = "faq:Mở quán ăn nhỏ cần đăng ký gì?"
F_POTHOLE = "faq:Phản ánh ổ gà, đèn đường hỏng ở đâu?"
F_ELDERLY = "faq:Người cao tuổi được hưởng trợ cấp gì?"
F_LICENCE = "faq:Đổi bằng lái xe hết hạn ở đâu?"
F_LEVEL2 = "faq:Làm sao để tài khoản của tôi được xác thực mức 2?"
F_MARRIAGE = "faq:Đăng ký kết hôn cần những gì?"
F_RECORD = "faq:Xin phiếu lý lịch tư pháp mất bao lâu?"
F_SCHOOL = "faq:Con chuyển trường khi chuyển nhà thì làm thế nào?"
F_LAND_SALE = "faq:Sang tên sổ đỏ khi mua nhà làm ở đâu?"
F_EXTRA_PAPERS = "faq:Bị hỏi thêm giấy tờ không có trong quy định thì sao?"
F_SINGLE = "faq:Xác nhận độc thân để làm gì, xin ở đâu?"

ANSWERED: tuple[tuple[str, tuple[str, ...]], ...] = (
    # With diacritics.
    ("Con tôi mới sinh thì làm giấy khai sinh thế nào?", ("procedure:birth", F_BIRTH_WHEN)),
    ("Quá hạn khai sinh cho cháu rồi có bị phạt không, làm sao?", ("procedure:birth-late", "procedure:birth", F_BIRTH_WHEN)),
    ("Tôi bị mất giấy khai sinh, xin bản sao ở đâu?", ("procedure:birth-reissue",)),
    ("Hai đứa muốn cưới thì đăng ký kết hôn ở đâu?", ("procedure:marriage", F_MARRIAGE)),
    ("Xin giấy xác nhận độc thân để vay ngân hàng", ("procedure:marital-status", F_SINGLE)),
    ("Bố tôi vừa mất, khai tử cần giấy gì?", ("procedure:death",)),
    ("Muốn đổi tên trong giấy khai sinh cho con", ("procedure:name-change",)),
    ("Chuyển về ở nhà vợ thì nhập hộ khẩu như thế nào?", ("procedure:permanent-residence", F_HOUSEHOLD_BOOK)),
    ("Sinh viên thuê phòng trọ có phải khai báo tạm trú không?", ("procedure:temporary-residence", F_RENT)),
    ("Đi làm xa mấy tháng có cần khai báo tạm vắng?", ("procedure:temporary-absence",)),
    ("Sổ hộ khẩu bị thu rồi giờ chứng minh nơi ở bằng gì?", (F_HOUSEHOLD_BOOK, "procedure:residence-confirmation")),
    ("Làm căn cước cho con 14 tuổi ở đâu?", ("procedure:id-card", F_ID_WHERE)),
    ("Đánh rơi thẻ căn cước rồi, làm lại mất bao nhiêu tiền?", ("procedure:id-card-reissue", F_ID_LOST)),
    ("Kích hoạt VNeID mức 2 ở đâu?", ("procedure:vneid", F_LEVEL2)),
    ("Công chứng giấy tờ photo ở phường lấy bao nhiêu tiền một trang?", ("procedure:copy-certify", F_COPY)),
    ("Cần chứng thực chữ ký trên giấy ủy quyền", ("procedure:signature-certify",)),
    ("Xin lý lịch tư pháp để đi du học bao lâu thì có?", ("procedure:criminal-record", F_RECORD)),
    ("Nhà tôi định xây 4 tầng có phải xin phép không?", ("procedure:building-permit", F_BUILD)),
    ("Sửa lại mặt tiền nhà có cần giấy phép sửa chữa?", ("procedure:repair-permit", "procedure:building-permit", F_BUILD)),
    ("Đất ông bà để lại chưa có sổ đỏ thì làm thế nào?", ("procedure:land-certificate",)),
    ("Mua nhà xong sang tên sổ đỏ ở đâu?", ("procedure:land-transfer", F_LAND_SALE)),
    ("Mở quán cà phê nhỏ có phải đăng ký kinh doanh?", ("procedure:household-business", F_SHOP)),
    ("Chuyển địa điểm cửa hàng thì sửa đăng ký hộ kinh doanh thế nào?", ("procedure:household-business-change",)),
    ("Thành lập công ty cần những giấy tờ gì?", ("procedure:company",)),
    ("Bằng lái xe máy của tôi hết hạn, đổi ở đâu?", ("procedure:driving-licence", F_LICENCE)),
    ("Nhà chuyển quận, xin chuyển trường cấp 2 cho con", ("procedure:school-transfer", F_SCHOOL)),
    ("Thẻ bảo hiểm y tế cho bé 2 tuổi làm ở đâu?", ("procedure:health-insurance",)),
    ("Mẹ tôi 80 tuổi không có lương hưu có được trợ cấp không?", ("procedure:social-allowance", F_ELDERLY)),
    ("Phường làm việc mấy giờ, thứ bảy có làm không?", (F_HOURS,)),
    ("Cán bộ bắt nộp thêm giấy tờ ngoài quy định thì phản ánh ở đâu?", (F_EXTRA_PAPERS,)),
    # Without diacritics.
    ("lam the can cuoc o dau", ("procedure:id-card", F_ID_WHERE)),
    ("mat the can cuoc phai lam gi", ("procedure:id-card-reissue", F_ID_LOST)),
    ("dang ky khai sinh cho con can giay to gi", ("procedure:birth", F_BIRTH_WHEN)),
    ("khai sinh qua han thi lam sao", ("procedure:birth-late",)),
    ("xin ban sao giay khai sinh", ("procedure:birth-reissue",)),
    ("dang ky ket hon can mang gi", ("procedure:marriage", F_MARRIAGE)),
    ("xin giay xac nhan doc than o dau", ("procedure:marital-status", F_SINGLE)),
    ("thu tuc khai tu cho nguoi than", ("procedure:death",)),
    ("dang ky giam ho cho chau", ("procedure:guardianship",)),
    ("nhap ho khau cho vo ve nha chong", ("procedure:permanent-residence",)),
    ("thue nha tro co phai dang ky tam tru khong", ("procedure:temporary-residence", F_RENT)),
    ("cat ho khau chuyen di noi khac", ("procedure:residence-removal",)),
    ("so ho khau giay con dung duoc khong", (F_HOUSEHOLD_BOOK, "procedure:residence-confirmation")),
    ("xac nhan cu tru o dau", ("procedure:residence-confirmation",)),
    ("cong chung ban sao o phuong bao nhieu tien", ("procedure:copy-certify", F_COPY)),
    ("chung thuc hop dong mua ban nha", ("procedure:contract-certify",)),
    ("ly lich tu phap xin o dau", ("procedure:criminal-record", F_RECORD)),
    ("xin giay phep xay dung nha o", ("procedure:building-permit", F_BUILD)),
    ("lam so do lan dau can gi", ("procedure:land-certificate",)),
    ("sang ten so do mat bao lau", ("procedure:land-transfer", F_LAND_SALE)),
    ("dang ky ho kinh doanh mo quan an", ("procedure:household-business", F_SHOP)),
    ("thanh lap cong ty tnhh", ("procedure:company",)),
    ("doi bang lai xe het han", ("procedure:driving-licence", F_LICENCE)),
    ("chuyen truong cho con khi chuyen nha", ("procedure:school-transfer", F_SCHOOL)),
    ("the bao hiem y te cho tre em duoi 6 tuoi", ("procedure:health-insurance",)),
    ("tro cap cho nguoi cao tuoi", ("procedure:social-allowance", F_ELDERLY)),
    ("nop ho so truc tuyen the nao", (F_ONLINE,)),
    ("phan anh o ga den duong hong", (F_POTHOLE,)),
    ("xac thuc tai khoan muc 2", (F_LEVEL2, "procedure:vneid")),
    ("gio lam viec bo phan mot cua", (F_HOURS,)),
)

UNANSWERED: tuple[str, ...] = (
    "Giá vàng hôm nay bao nhiêu?",
    "cach nau pho bo ngon",
    "Lịch thi đấu của đội tuyển bóng đá Việt Nam",
    "xe buyt so 09 chay may gio",
    "Dự báo thời tiết Hà Nội cuối tuần",
    "mua ve tau di Sapa o dau",
    "Quán bún chả nào ngon ở phố cổ?",
    "ty gia do la my hom nay",
    "Điểm chuẩn đại học Bách khoa năm nay",
    "cho thue xe may theo ngay",
    # Questions whose folded words collide with the data's ("so"/"số"/"sổ", "mien"/"miễn",
    # "chung"/"chứng", "tuyen"/"tuyến"): reported by a tester as answered confidently and wrongly.
    "ket qua xo so mien bac",
    "di du lich da lat",
    "mua ban chung khoan",
    "tuyen dung cong an",
    "thue nha o dau re",
    "mua nha chung cu",
    # More of the same kind, half without diacritics.
    "Lịch cắt điện khu vực Cầu Giấy tuần này",
    "Giá xăng hôm nay tăng hay giảm?",
    "Số điện thoại taxi sân bay Nội Bài",
    "Học tiếng Anh ở trung tâm nào tốt?",
    "Mua bảo hiểm xe máy online ở đâu rẻ?",
    "Vé xem phim ở rạp Quốc gia giá bao nhiêu?",
    "lich chieu phim cuoi tuan",
    "cach lam banh chung ngay tet",
    "so xo vietlott hom nay",
    "sua dien thoai bi vo man hinh",
    "tap gym o dau gan ho guom",
    "gia thue can ho chung cu mini",
)
