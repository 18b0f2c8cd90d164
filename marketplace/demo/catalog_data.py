"""Demo catalogue: fictional vendors, their solutions and one pending revision.

Pure data, loaded by the demo seed. Every company, product and person here is fictional.
Feature keys follow each category's vocabulary (migration 0003); yes/no features hold
"yes" or "no". Prices are whole VND.
"""

SAO_KHUE = "0109876543"
HONG_HA = "0801456789"
BACH_DANG = "0107654321"
THANH_DONG = "0801122334"
AGRI_THANH_HA = "0801987650"
CON_SON = "0801357924"

VENDORS = [
    {
        "name": "Công ty Cổ phần Công nghệ Số Sao Khuê",
        "tax_code": SAO_KHUE,
        "commune_code": "10525",  # Phường Hải Dương
        "street_address": "Số 12 Trần Hưng Đạo",
        "industry": "ict",
        "size_band": "medium",
        "phone": "0912345678",
        "website": "https://saokhuetech.vn",
        "verified": True,
        # The demo vendor user (vendor@demo.vn) already exists.
        "users": [],
    },
    {
        "name": "Công ty TNHH Phần mềm Hồng Hà",
        "tax_code": HONG_HA,
        "commune_code": "10903",  # Xã Cẩm Giàng
        "industry": "ict",
        "size_band": "small",
        "phone": "02203856789",
        "website": "https://honghasoft.vn",
        "verified": True,
        "users": [
            {"email": "lananh@honghasoft.vn", "name": "Vũ Thị Lan Anh"},
            {"email": "duc.nguyen@honghasoft.vn", "name": "Nguyễn Minh Đức"},
        ],
    },
    {
        "name": "Công ty Cổ phần Dữ liệu và Điện toán Đám mây Bạch Đằng",
        "tax_code": BACH_DANG,
        "commune_code": None,  # headquartered in Hà Nội
        "province_code": "01",
        "street_address": "Số 57 Huỳnh Thúc Kháng, Phường Láng",
        "industry": "ict",
        "size_band": "large",
        "phone": "02438765432",
        "website": "https://bachdangcloud.vn",
        "verified": True,
        "users": [
            {"email": "hoang.dv@bachdangcloud.vn", "name": "Đỗ Văn Hoàng"},
            {"email": "ngoc.pt@bachdangcloud.vn", "name": "Phạm Thị Bích Ngọc"},
        ],
    },
    {
        "name": "Công ty TNHH An ninh Mạng Thành Đông",
        "tax_code": THANH_DONG,
        "commune_code": "10510",  # Phường Thành Đông
        "industry": "ict",
        "size_band": "small",
        "phone": "02203745678",
        "website": "https://thanhdongsec.vn",
        "verified": True,
        "users": [
            {"email": "tuan.lq@thanhdongsec.vn", "name": "Lương Quốc Tuấn"},
        ],
    },
    {
        "name": "Công ty TNHH Công nghệ Nông nghiệp Số Thanh Hà",
        "tax_code": AGRI_THANH_HA,
        "commune_code": "10813",  # Xã Thanh Hà
        "industry": "ict",
        "size_band": "micro",
        "phone": "0978123456",
        "website": "https://agrithanhha.vn",
        "verified": False,
        "users": [
            {"email": "thao.nt@agrithanhha.vn", "name": "Nguyễn Thị Thảo"},
        ],
    },
    {
        "name": "Công ty TNHH Giải pháp Bán hàng Côn Sơn",
        "tax_code": CON_SON,
        "commune_code": "10546",  # Phường Chí Linh
        "industry": "ict",
        "size_band": "small",
        "phone": "02203882468",
        "website": "https://consonsoft.vn",
        "verified": True,
        "users": [
            {"email": "hieu.tv@consonsoft.vn", "name": "Tạ Văn Hiếu"},
            {"email": "mai.dt@consonsoft.vn", "name": "Đinh Thị Mai"},
        ],
    },
]


SOLUTIONS = [
    # ------------------------------------------------------------------ ke-toan
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "ke-toan-saokhue-cloud",
        "name": "Kế toán SaoKhuê Cloud",
        "tagline": "Phần mềm kế toán trực tuyến cho doanh nghiệp nhỏ, tự động hạch toán từ hóa đơn điện tử và sao kê ngân hàng.",
        "description": (
            "Kế toán SaoKhuê Cloud giúp doanh nghiệp nhỏ và vừa ghi sổ, lập báo cáo tài chính và quyết toán thuế ngay trên trình duyệt, không cần cài đặt. Dữ liệu được đồng bộ liên tục giữa kế toán viên và chủ doanh nghiệp, xem được cả trên điện thoại.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Hỗ trợ đầy đủ chế độ kế toán theo Thông tư 133/2016/TT-BTC và Thông tư 200/2014/TT-BTC\n"
            "- Tự động nhập chứng từ từ hóa đơn điện tử đầu vào và đầu ra\n"
            "- Kết nối ngân hàng để đối chiếu sao kê hằng ngày\n"
            "- Lập tờ khai thuế GTGT, TNDN và nộp thẳng qua cổng thuế điện tử\n"
            "- Quản lý kho, tính giá vốn theo bình quân gia quyền hoặc nhập trước xuất trước\n"
            "\n"
            "Phù hợp với doanh nghiệp thương mại, dịch vụ và sản xuất nhỏ tại Hải Dương. Đội ngũ Sao Khuê hỗ trợ qua điện thoại và Zalo từ 7h30 đến 21h hằng ngày, có chuyên viên đến tận nơi chuyển đổi dữ liệu từ phần mềm cũ."
        ),
        "category": "ke-toan",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/ke-toan",
        "features": {
            "tt133": "yes",
            "tt200": "yes",
            "e_invoice_link": "yes",
            "bank_link": "yes",
            "tax_filing": "yes",
            "inventory": "yes",
            "mobile_app": "yes",
            "users_included": "3 người dùng",
        },
        "extras": [("Chuyển đổi dữ liệu", "Miễn phí từ phần mềm cũ")],
        "plans": [
            {
                "name": "Khởi nghiệp",
                "price_vnd": 1500000,
                "period": "year",
                "trial_days": 30,
                "limits": "1 người dùng, tối đa 1.000 chứng từ/năm",
            },
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 3900000,
                "period": "year",
                "trial_days": 30,
                "limits": "3 người dùng, không giới hạn chứng từ",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 7500000,
                "period": "year",
                "trial_days": 0,
                "limits": "10 người dùng, nhiều chi nhánh, báo cáo quản trị",
            },
        ],
        "status": "published",
        "published_days_ago": 210,
    },
    {
        "vendor_tax_code": HONG_HA,
        "slug": "ke-toan-hong-ha-online",
        "name": "Kế toán Hồng Hà Online",
        "tagline": "Kế toán online giá mềm, giao diện quen thuộc với kế toán viên, chuẩn Thông tư 133 và Thông tư 200.",
        "description": (
            "Kế toán Hồng Hà Online được phát triển từ phiên bản cài đặt đã phục vụ hàng trăm doanh nghiệp trong tỉnh suốt hơn mười năm. Phiên bản trực tuyến giữ nguyên cách nhập liệu quen thuộc, bổ sung khả năng làm việc từ xa và sao lưu tự động.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Mẫu sổ sách, báo cáo tài chính theo Thông tư 133/2016/TT-BTC và Thông tư 200/2014/TT-BTC\n"
            "- Nhận hóa đơn điện tử đầu vào qua email và tự động hạch toán\n"
            "- Kết xuất tờ khai thuế định dạng XML để nộp trên cổng thuế điện tử\n"
            "- Theo dõi công nợ theo hạn thanh toán, cảnh báo nợ quá hạn\n"
            "- Quản lý tài sản cố định, công cụ dụng cụ và phân bổ chi phí trả trước\n"
            "\n"
            "Dành cho kế toán dịch vụ và doanh nghiệp có từ 1 đến 50 nhân sự. Hồng Hà triển khai tại chỗ trên địa bàn Hải Dương, đào tạo miễn phí hai buổi và hỗ trợ điều khiển từ xa trong giờ hành chính."
        ),
        "category": "ke-toan",
        "deployment": "cloud",
        "website": "https://honghasoft.vn/ke-toan-online",
        "features": {
            "tt133": "yes",
            "tt200": "yes",
            "e_invoice_link": "yes",
            "bank_link": "no",
            "tax_filing": "yes",
            "inventory": "yes",
            "mobile_app": "no",
            "users_included": "2 người dùng",
        },
        "extras": [("Đào tạo tại chỗ", "Miễn phí 2 buổi")],
        "plans": [
            {
                "name": "Cơ bản",
                "price_vnd": 1800000,
                "period": "year",
                "trial_days": 14,
                "limits": "2 người dùng, 1 cơ sở dữ liệu kế toán",
            },
            {
                "name": "Chuyên nghiệp",
                "price_vnd": 3200000,
                "period": "year",
                "trial_days": 14,
                "limits": "5 người dùng, 3 cơ sở dữ liệu kế toán",
            },
            {
                "name": "Kế toán dịch vụ",
                "price_vnd": 6800000,
                "period": "year",
                "trial_days": 0,
                "limits": "Không giới hạn người dùng, tối đa 20 doanh nghiệp khách hàng",
            },
        ],
        "status": "published",
        "published_days_ago": 365,
    },
    {
        "vendor_tax_code": HONG_HA,
        "slug": "hong-ha-so-sach-ho-kinh-doanh",
        "name": "Hồng Hà Sổ sách Hộ kinh doanh",
        "tagline": "Ghi sổ doanh thu, chi phí cho hộ kinh doanh theo Thông tư 88/2021/TT-BTC chỉ với vài thao tác trên điện thoại.",
        "description": (
            "Hộ kinh doanh nộp thuế theo phương pháp kê khai phải mở sổ kế toán, nhưng nhiều chủ cửa hàng còn lúng túng với biểu mẫu. Hồng Hà Sổ sách Hộ kinh doanh đơn giản hóa việc này: chỉ cần ghi các khoản thu, chi hằng ngày, phần mềm tự lập sổ theo Thông tư 88/2021/TT-BTC.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Sổ chi tiết doanh thu, sổ chi tiết vật liệu, hàng hóa và sổ theo dõi nghĩa vụ thuế\n"
            "- Nhập liệu bằng giọng nói hoặc chụp ảnh hóa đơn trên ứng dụng di động\n"
            "- Tự tổng hợp doanh thu theo quý để kê khai thuế GTGT và thuế TNCN\n"
            "- Liên kết hóa đơn điện tử khởi tạo từ máy tính tiền\n"
            "\n"
            "Phù hợp với cửa hàng tạp hóa, quán ăn, tiệm sửa xe và các hộ kinh doanh gia đình. Gói miễn phí dành cho hộ có ít giao dịch; tổng đài hỗ trợ hoạt động cả thứ Bảy và Chủ nhật."
        ),
        "category": "ke-toan",
        "deployment": "cloud",
        "website": "https://honghasoft.vn/ho-kinh-doanh",
        "features": {
            "tt133": "no",
            "tt200": "no",
            "e_invoice_link": "yes",
            "bank_link": "no",
            "tax_filing": "yes",
            "inventory": "yes",
            "mobile_app": "yes",
            "users_included": "1 người dùng",
        },
        "extras": [("Chế độ kế toán", "Thông tư 88/2021/TT-BTC")],
        "plans": [
            {
                "name": "Miễn phí",
                "price_vnd": 0,
                "period": "year",
                "trial_days": 0,
                "limits": "1 cửa hàng, tối đa 300 giao dịch/tháng",
            },
            {
                "name": "Hộ kinh doanh Plus",
                "price_vnd": 690000,
                "period": "year",
                "trial_days": 0,
                "limits": "1 cửa hàng, không giới hạn giao dịch, xuất sổ ra Excel",
            },
        ],
        "status": "published",
        "published_days_ago": 45,
    },
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-erp-ke-toan",
        "name": "BachDang ERP Kế toán",
        "tagline": "Phân hệ kế toán của bộ ERP BachDang cho doanh nghiệp sản xuất nhiều chi nhánh, chạy trên đám mây hoặc tại chỗ.",
        "description": (
            "BachDang ERP Kế toán là lựa chọn cho doanh nghiệp sản xuất, gia công có từ vài chục đến vài trăm lao động, cần tính giá thành chi tiết và hợp nhất số liệu nhiều đơn vị. Hệ thống có thể chạy trên đám mây BachDang hoặc cài đặt trên máy chủ của doanh nghiệp.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Chế độ kế toán theo Thông tư 200/2014/TT-BTC, hợp nhất báo cáo nhiều chi nhánh\n"
            "- Tính giá thành theo lệnh sản xuất và định mức nguyên vật liệu\n"
            "- Kết nối ngân hàng qua API, tự động đối chiếu thanh toán\n"
            "- Liên thông hóa đơn điện tử BachDang iHóaĐơn và phân hệ kho\n"
            "- Phân quyền chi tiết đến từng chức năng, nhật ký truy vết mọi thay đổi\n"
            "\n"
            "Triển khai theo dự án với tư vấn viên có chứng chỉ kế toán trưởng. Doanh nghiệp tại các khu công nghiệp Đại An, Phúc Điền, Nam Sách được khảo sát miễn phí; gói Doanh nghiệp có hỗ trợ 24/7."
        ),
        "category": "ke-toan",
        "deployment": "hybrid",
        "website": "https://bachdangcloud.vn/erp",
        "features": {
            "tt133": "no",
            "tt200": "yes",
            "e_invoice_link": "yes",
            "bank_link": "yes",
            "tax_filing": "yes",
            "inventory": "yes",
            "mobile_app": "yes",
            "users_included": "10 người dùng",
        },
        "extras": [
            ("Tính giá thành sản xuất", "Có"),
            ("Triển khai", "6–8 tuần theo dự án"),
        ],
        "plans": [
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 6500000,
                "period": "year",
                "trial_days": 0,
                "limits": "10 người dùng, 1 đơn vị hạch toán",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 12000000,
                "period": "year",
                "trial_days": 0,
                "limits": "30 người dùng, hợp nhất tối đa 5 chi nhánh, hỗ trợ 24/7",
            },
        ],
        "status": "published",
        "published_days_ago": 300,
    },
    # ---------------------------------------------------------- hoa-don-dien-tu
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-einvoice",
        "name": "SaoKhuê eInvoice",
        "tagline": "Hóa đơn điện tử có mã của cơ quan thuế, đúng Nghị định 123/2020/NĐ-CP, phát hành chỉ trong 30 giây.",
        "description": (
            "SaoKhuê eInvoice giúp doanh nghiệp lập, ký số và gửi hóa đơn cho khách hàng chỉ trong vài thao tác. Hóa đơn được truyền đến cơ quan thuế để cấp mã ngay khi phát hành, đáp ứng Nghị định 123/2020/NĐ-CP và Thông tư 78/2021/TT-BTC.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Hóa đơn giá trị gia tăng, hóa đơn bán hàng, phiếu xuất kho kiêm vận chuyển nội bộ\n"
            "- Lập hóa đơn hàng loạt từ tệp Excel hoặc qua API\n"
            "- Ký số bằng USB token hoặc chữ ký số từ xa\n"
            "- Gửi hóa đơn qua email, SMS và Zalo, khách tra cứu bằng mã bí mật\n"
            "- Lưu trữ hóa đơn 10 năm, sẵn sàng khi cơ quan thuế kiểm tra\n"
            "\n"
            "Phù hợp mọi loại hình doanh nghiệp và hộ kinh doanh. Sao Khuê hỗ trợ thủ tục đăng ký sử dụng hóa đơn điện tử, thiết kế mẫu hóa đơn có logo miễn phí và trực tổng đài 24/7 trong mùa quyết toán."
        ),
        "category": "hoa-don-dien-tu",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/einvoice",
        "features": {
            "decree_123": "yes",
            "tax_authority_code": "yes",
            "cash_register": "no",
            "api": "yes",
            "bulk_issue": "yes",
            "invoices_included": "Từ 300 hóa đơn",
            "storage_years": "10 năm",
            "mobile_app": "yes",
        },
        "extras": [("Thiết kế mẫu hóa đơn", "Miễn phí, có logo")],
        "plans": [
            {
                "name": "Khởi đầu",
                "price_vnd": 390000,
                "period": "once",
                "trial_days": 14,
                "limits": "300 hóa đơn, dùng đến khi hết số",
            },
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 990000,
                "period": "once",
                "trial_days": 0,
                "limits": "1.000 hóa đơn, dùng đến khi hết số",
            },
            {
                "name": "Chuyên nghiệp",
                "price_vnd": 2200000,
                "period": "once",
                "trial_days": 0,
                "limits": "3.000 hóa đơn, kết nối API",
            },
        ],
        "status": "published",
        "published_days_ago": 380,
    },
    {
        "vendor_tax_code": HONG_HA,
        "slug": "hoa-don-dien-tu-hong-ha",
        "name": "Hóa đơn điện tử Hồng Hà",
        "tagline": "Hóa đơn điện tử tích hợp sẵn với Kế toán Hồng Hà, lập xong là hạch toán ngay.",
        "description": (
            "Dành cho khách hàng đang dùng phần mềm kế toán Hồng Hà và cả doanh nghiệp mới thành lập, Hóa đơn điện tử Hồng Hà đáp ứng đầy đủ Nghị định 123/2020/NĐ-CP và Thông tư 78/2021/TT-BTC. Mỗi hóa đơn phát hành được tự động ghi nhận doanh thu và công nợ trong sổ kế toán.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Hóa đơn có mã và không có mã của cơ quan thuế\n"
            "- Tự động hạch toán sang Kế toán Hồng Hà Online\n"
            "- Lập hóa đơn điều chỉnh, thay thế và thông báo sai sót theo mẫu 04/SS-HĐĐT\n"
            "- Báo cáo tình hình sử dụng hóa đơn theo kỳ\n"
            "\n"
            "Giá gói hóa đơn thuộc nhóm thấp nhất thị trường, phù hợp doanh nghiệp nhỏ phát hành dưới 100 hóa đơn mỗi tháng. Hỗ trợ kỹ thuật trong giờ hành chính, nhân viên đến tận nơi tại thành phố Hải Dương và các huyện lân cận."
        ),
        "category": "hoa-don-dien-tu",
        "deployment": "cloud",
        "website": "https://honghasoft.vn/hoa-don",
        "features": {
            "decree_123": "yes",
            "tax_authority_code": "yes",
            "cash_register": "no",
            "api": "no",
            "bulk_issue": "yes",
            "invoices_included": "Từ 200 hóa đơn",
            "storage_years": "10 năm",
            "mobile_app": "no",
        },
        "extras": [],
        "plans": [
            {
                "name": "Gói 200 hóa đơn",
                "price_vnd": 300000,
                "period": "once",
                "trial_days": 0,
                "limits": "200 hóa đơn, dùng đến khi hết số",
            },
            {
                "name": "Gói 500 hóa đơn",
                "price_vnd": 550000,
                "period": "once",
                "trial_days": 0,
                "limits": "500 hóa đơn, dùng đến khi hết số",
            },
            {
                "name": "Gói 1.500 hóa đơn",
                "price_vnd": 1350000,
                "period": "once",
                "trial_days": 0,
                "limits": "1.500 hóa đơn, miễn phí khởi tạo",
            },
        ],
        "status": "published",
        "published_days_ago": 150,
    },
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-ihoadon",
        "name": "BachDang iHóaĐơn",
        "tagline": "Nền tảng hóa đơn điện tử cho doanh nghiệp lớn, kết nối API với ERP và phát hành hàng chục nghìn hóa đơn mỗi ngày.",
        "description": (
            "BachDang iHóaĐơn được thiết kế cho doanh nghiệp có khối lượng hóa đơn lớn như siêu thị, nhà phân phối, công ty cấp nước. Hạ tầng đặt tại hai trung tâm dữ liệu ở Hà Nội và TP. Hồ Chí Minh, bảo đảm hệ thống luôn sẵn sàng kể cả giờ cao điểm cuối tháng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Đáp ứng Nghị định 123/2020/NĐ-CP và Thông tư 78/2021/TT-BTC\n"
            "- API REST và SDK cho .NET, Java, PHP để tích hợp ERP, phần mềm bán hàng\n"
            "- Phát hành hàng loạt đến 50.000 hóa đơn mỗi giờ\n"
            "- Hóa đơn khởi tạo từ máy tính tiền cho chuỗi cửa hàng\n"
            "- Ứng dụng di động để duyệt và ký hóa đơn mọi lúc\n"
            "\n"
            "Đội ngũ kỹ sư tích hợp hỗ trợ doanh nghiệp kết nối hệ thống trong vòng 5 ngày làm việc. Trung tâm chăm sóc khách hàng hoạt động 24/7, cam kết phản hồi sự cố dưới 30 phút."
        ),
        "category": "hoa-don-dien-tu",
        "deployment": "cloud",
        "website": "https://bachdangcloud.vn/ihoadon",
        "features": {
            "decree_123": "yes",
            "tax_authority_code": "yes",
            "cash_register": "yes",
            "api": "yes",
            "bulk_issue": "yes",
            "invoices_included": "1.000 hóa đơn/năm",
            "storage_years": "10 năm",
            "mobile_app": "yes",
        },
        "extras": [("Thời gian tích hợp API", "5 ngày làm việc")],
        "plans": [
            {
                "name": "Doanh nghiệp nhỏ",
                "price_vnd": 1100000,
                "period": "year",
                "trial_days": 30,
                "limits": "1.000 hóa đơn/năm",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 2900000,
                "period": "year",
                "trial_days": 30,
                "limits": "5.000 hóa đơn/năm, API không giới hạn lượt gọi",
            },
        ],
        "status": "published",
        "published_days_ago": 90,
    },
    {
        "vendor_tax_code": CON_SON,
        "slug": "con-son-hddt-may-tinh-tien",
        "name": "Côn Sơn HĐĐT Máy tính tiền",
        "tagline": "Xuất hóa đơn điện tử khởi tạo từ máy tính tiền ngay tại quầy, dành cho hộ kinh doanh và cửa hàng bán lẻ.",
        "description": (
            "Từ năm 2025, nhiều hộ kinh doanh bán lẻ, ăn uống phải chuyển sang hóa đơn điện tử khởi tạo từ máy tính tiền theo quy định sửa đổi Nghị định 123/2020/NĐ-CP. Côn Sơn HĐĐT Máy tính tiền biến máy bán hàng, máy tính bảng hay điện thoại thành máy tính tiền có kết nối dữ liệu với cơ quan thuế.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Mỗi hóa đơn có mã riêng, không cần ký số từng hóa đơn\n"
            "- In hóa đơn kèm mã QR trên máy in nhiệt khổ 58 mm hoặc 80 mm\n"
            "- Tự động chuyển dữ liệu hóa đơn đến cơ quan thuế trong ngày\n"
            "- Ứng dụng Android, iOS vẫn bán được khi mất mạng tạm thời\n"
            "\n"
            "Phù hợp quán ăn, tiệm tạp hóa, cửa hàng vật liệu xây dựng và nhà thuốc. Nhân viên Côn Sơn cài đặt tại cửa hàng ở Chí Linh, Kinh Môn, Nam Sách trong 24 giờ và hỗ trợ qua Zalo cả ngày lễ."
        ),
        "category": "hoa-don-dien-tu",
        "deployment": "cloud",
        "website": "https://consonsoft.vn/hoa-don-may-tinh-tien",
        "features": {
            "decree_123": "yes",
            "tax_authority_code": "yes",
            "cash_register": "yes",
            "api": "no",
            "bulk_issue": "no",
            "invoices_included": "Không giới hạn",
            "storage_years": "10 năm",
            "mobile_app": "yes",
        },
        "extras": [("Cài đặt tại cửa hàng", "Trong 24 giờ")],
        "plans": [
            {
                "name": "Hộ kinh doanh",
                "price_vnd": 480000,
                "period": "year",
                "trial_days": 14,
                "limits": "1 điểm bán, không giới hạn hóa đơn",
            },
            {
                "name": "Chuỗi cửa hàng",
                "price_vnd": 1200000,
                "period": "year",
                "trial_days": 14,
                "limits": "Tối đa 5 điểm bán, báo cáo tổng hợp",
            },
        ],
        "status": "published",
        "published_days_ago": 20,
    },
    # ------------------------------------------------------- nhan-su-tien-luong
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-hrm",
        "name": "SaoKhuê HRM",
        "tagline": "Quản lý nhân sự, chấm công và tính lương tự động cho doanh nghiệp đến 500 lao động.",
        "description": (
            "SaoKhuê HRM số hóa toàn bộ quy trình nhân sự từ tuyển dụng, hợp đồng lao động đến chấm công, tính lương và bảo hiểm. Bảng lương được tính tự động từ dữ liệu máy chấm công, giảm sai sót và thắc mắc của người lao động.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Kết nối máy chấm công vân tay, khuôn mặt và chấm công GPS trên điện thoại\n"
            "- Công thức lương linh hoạt: lương sản phẩm, lương ca, phụ cấp, thưởng\n"
            "- Tự động tính bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp\n"
            "- Quyết toán thuế thu nhập cá nhân, xuất tờ khai 05/QTT-TNCN\n"
            "- Cổng tự phục vụ: nhân viên xem phiếu lương, xin nghỉ phép trên ứng dụng\n"
            "\n"
            "Dữ liệu cá nhân người lao động được mã hóa và xử lý theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân. Phù hợp doanh nghiệp may mặc, cơ khí, chế biến tại các khu công nghiệp Hải Dương; Sao Khuê cấu hình bảng lương ban đầu miễn phí."
        ),
        "category": "nhan-su-tien-luong",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/hrm",
        "features": {
            "timekeeping": "yes",
            "payroll": "yes",
            "social_insurance": "yes",
            "pit": "yes",
            "self_service": "yes",
            "mobile_app": "yes",
            "employees_max": "500 nhân viên",
        },
        "extras": [("Cấu hình bảng lương ban đầu", "Miễn phí")],
        "plans": [
            {
                "name": "Cơ bản",
                "price_vnd": 750000,
                "period": "month",
                "trial_days": 30,
                "limits": "Tối đa 30 nhân viên, chấm công và tính lương",
            },
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 1800000,
                "period": "month",
                "trial_days": 30,
                "limits": "Tối đa 100 nhân viên, có cổng tự phục vụ",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 6000000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 500 nhân viên, tích hợp kế toán và ngân hàng",
            },
        ],
        "status": "published",
        "published_days_ago": 170,
    },
    {
        "vendor_tax_code": HONG_HA,
        "slug": "tien-luong-hong-ha",
        "name": "Tiền lương Hồng Hà",
        "tagline": "Tính lương, bảo hiểm và thuế TNCN gọn nhẹ, kết nối thẳng với Kế toán Hồng Hà.",
        "description": (
            "Tiền lương Hồng Hà dành cho doanh nghiệp nhỏ muốn thoát khỏi những bảng tính Excel phức tạp mỗi cuối tháng. Phần mềm tập trung vào một việc: tính lương chính xác và hạch toán chi phí lương sang sổ kế toán.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Nhập bảng chấm công từ Excel hoặc từ các dòng máy chấm công phổ biến\n"
            "- Tính bảo hiểm xã hội theo mức lương đóng, cập nhật lương tối thiểu vùng\n"
            "- Khấu trừ thuế TNCN, tính giảm trừ gia cảnh tự động\n"
            "- Chuyển bút toán lương sang Kế toán Hồng Hà Online\n"
            "\n"
            "Phù hợp doanh nghiệp dưới 100 lao động. Sản phẩm chưa có ứng dụng di động và cổng tự phục vụ cho nhân viên, đổi lại giá thấp và rất dễ dùng. Hỗ trợ qua điện thoại trong giờ hành chính, đào tạo tại văn phòng khách hàng ở Hải Dương."
        ),
        "category": "nhan-su-tien-luong",
        "deployment": "cloud",
        "website": "https://honghasoft.vn/tien-luong",
        "features": {
            "timekeeping": "yes",
            "payroll": "yes",
            "social_insurance": "yes",
            "pit": "yes",
            "self_service": "no",
            "mobile_app": "no",
            "employees_max": "100 nhân viên",
        },
        "extras": [],
        "plans": [
            {
                "name": "Nhỏ",
                "price_vnd": 390000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 20 nhân viên",
            },
            {
                "name": "Vừa",
                "price_vnd": 990000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 50 nhân viên",
            },
            {
                "name": "Lớn",
                "price_vnd": 1900000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 100 nhân viên",
            },
        ],
        "status": "published",
        "published_days_ago": 260,
    },
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-people",
        "name": "BachDang People",
        "tagline": "Quản trị nhân sự toàn diện: tuyển dụng, đánh giá KPI, đào tạo và tính lương cho doanh nghiệp hàng nghìn lao động.",
        "description": (
            "BachDang People phục vụ doanh nghiệp quy mô lớn có nhiều nhà máy, cần chuẩn hóa quy trình nhân sự và đánh giá hiệu suất. Hệ thống xử lý bảng lương hàng nghìn người chỉ trong vài phút.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Quản lý hồ sơ, hợp đồng lao động, quá trình công tác và khen thưởng\n"
            "- Đánh giá KPI, OKR theo kỳ, liên kết với thưởng hiệu suất\n"
            "- Chấm công theo ca kíp phức tạp, tăng ca, làm đêm\n"
            "- Kết xuất hồ sơ bảo hiểm xã hội điện tử và quyết toán thuế TNCN\n"
            "- Ứng dụng di động cho nhân viên và quản lý phê duyệt đơn từ\n"
            "\n"
            "Tuân thủ Nghị định 13/2023/NĐ-CP: phân quyền theo vai trò, ghi nhật ký mọi lần truy cập dữ liệu cá nhân. Triển khai theo dự án trong 6–10 tuần; hỗ trợ 24/7 và quản lý dự án riêng cho khách hàng trên 1.000 lao động."
        ),
        "category": "nhan-su-tien-luong",
        "deployment": "cloud",
        "website": "https://bachdangcloud.vn/people",
        "features": {
            "timekeeping": "yes",
            "payroll": "yes",
            "social_insurance": "yes",
            "pit": "yes",
            "self_service": "yes",
            "mobile_app": "yes",
            "employees_max": "Không giới hạn",
        },
        "extras": [("Đánh giá KPI/OKR", "Có")],
        "plans": [
            {
                "name": "Tăng trưởng",
                "price_vnd": 3500000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 150 nhân viên",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 9000000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 500 nhân viên, có KPI và đào tạo",
            },
            {
                "name": "Tập đoàn",
                "price_vnd": 25000000,
                "period": "month",
                "trial_days": 0,
                "limits": "Không giới hạn nhân viên, nhiều pháp nhân",
            },
        ],
        "status": "published",
        "published_days_ago": 120,
    },
    {
        "vendor_tax_code": CON_SON,
        "slug": "cham-cong-con-son",
        "name": "Chấm công Côn Sơn",
        "tagline": "Ứng dụng chấm công bằng điện thoại qua Wi-Fi và GPS, tính lương theo ca cho cửa hàng, quán ăn.",
        "description": (
            "Chấm công Côn Sơn là ứng dụng nhỏ gọn cho cửa hàng, quán ăn và xưởng nhỏ có nhân viên làm theo ca. Nhân viên chỉ cần mở điện thoại khi đến nơi làm việc, hệ thống tự xác nhận vị trí qua Wi-Fi cửa hàng hoặc GPS.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Chấm công bằng Wi-Fi, GPS hoặc ảnh khuôn mặt, chống chấm công hộ\n"
            "- Xếp ca, đổi ca và đăng ký nghỉ ngay trên ứng dụng\n"
            "- Tính lương theo giờ, theo ca, cộng thưởng doanh số\n"
            "- Gửi phiếu lương cho từng nhân viên qua ứng dụng\n"
            "\n"
            "Phù hợp hộ kinh doanh và doanh nghiệp siêu nhỏ chưa cần quản lý bảo hiểm, thuế phức tạp. Miễn phí cho cửa hàng dưới 5 nhân viên; hỗ trợ qua Zalo từ 8h đến 22h hằng ngày."
        ),
        "category": "nhan-su-tien-luong",
        "deployment": "cloud",
        "website": "https://consonsoft.vn/cham-cong",
        "features": {
            "timekeeping": "yes",
            "payroll": "yes",
            "social_insurance": "no",
            "pit": "no",
            "self_service": "yes",
            "mobile_app": "yes",
            "employees_max": "50 nhân viên",
        },
        "extras": [("Chống chấm công hộ", "Xác thực khuôn mặt")],
        "plans": [
            {
                "name": "Miễn phí",
                "price_vnd": 0,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 5 nhân viên, 1 địa điểm",
            },
            {
                "name": "Cửa hàng",
                "price_vnd": 199000,
                "period": "month",
                "trial_days": 30,
                "limits": "Tối đa 20 nhân viên, 2 địa điểm",
            },
            {
                "name": "Chuỗi",
                "price_vnd": 490000,
                "period": "month",
                "trial_days": 30,
                "limits": "Tối đa 50 nhân viên, 10 địa điểm",
            },
        ],
        "status": "published",
        "published_days_ago": 35,
    },
    # ---------------------------------------------------------------------- crm
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-crm",
        "name": "SaoKhuê CRM",
        "tagline": "Quản lý khách hàng, cơ hội bán hàng và chăm sóc qua Zalo OA, tổng đài trên cùng một màn hình.",
        "description": (
            "SaoKhuê CRM giúp đội kinh doanh không bỏ sót khách hàng nào: mọi cuộc gọi, tin nhắn Zalo, email và báo giá đều được lưu vào hồ sơ khách hàng. Chủ doanh nghiệp theo dõi doanh số dự kiến theo thời gian thực.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Phễu bán hàng trực quan, kéo thả cơ hội giữa các giai đoạn\n"
            "- Kết nối Zalo OA và Facebook Fanpage, trả lời tin nhắn ngay trong CRM\n"
            "- Tổng đài ảo tích hợp, ghi âm và bấm gọi từ hồ sơ khách hàng\n"
            "- Gửi email, tin nhắn chăm sóc tự động theo kịch bản\n"
            "- Báo giá, đơn hàng đồng bộ với SaoKhuê eInvoice\n"
            "\n"
            "Phù hợp công ty thương mại, phân phối, bất động sản và trung tâm đào tạo. Sao Khuê đào tạo trực tuyến miễn phí cho cả đội kinh doanh và hỗ trợ qua tổng đài 24/7."
        ),
        "category": "crm",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/crm",
        "features": {
            "pipeline": "yes",
            "zalo": "yes",
            "call_center": "yes",
            "email_marketing": "yes",
            "mobile_app": "yes",
            "users_included": "5 người dùng",
        },
        "extras": [("Đồng bộ hóa đơn điện tử", "SaoKhuê eInvoice")],
        "plans": [
            {
                "name": "Khởi đầu",
                "price_vnd": 290000,
                "period": "month",
                "trial_days": 14,
                "limits": "5 người dùng, 2.000 khách hàng",
            },
            {
                "name": "Chuyên nghiệp",
                "price_vnd": 890000,
                "period": "month",
                "trial_days": 14,
                "limits": "15 người dùng, không giới hạn khách hàng, tổng đài ảo",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 2400000,
                "period": "month",
                "trial_days": 0,
                "limits": "50 người dùng, API, báo cáo tùy biến",
            },
        ],
        "status": "published",
        "published_days_ago": 75,
    },
    {
        "vendor_tax_code": CON_SON,
        "slug": "con-son-crm-zalo",
        "name": "Côn Sơn CRM Zalo",
        "tagline": "CRM tối giản cho cửa hàng bán qua Zalo và Facebook: gom tin nhắn, gắn nhãn khách, nhắc lịch chăm sóc.",
        "description": (
            "Nhiều cửa hàng ở Hải Dương bán hàng chủ yếu qua Zalo và Facebook, dẫn đến tin nhắn bị trôi, khách hàng cũ bị lãng quên. Côn Sơn CRM Zalo gom mọi hội thoại về một hộp thư chung và tự động tạo hồ sơ cho từng khách hàng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Hộp thư chung cho Zalo OA, Facebook Fanpage và Instagram\n"
            "- Gắn nhãn, phân nhóm khách theo sản phẩm đã mua\n"
            "- Gửi tin nhắn ZNS chúc mừng sinh nhật, nhắc lịch hẹn\n"
            "- Ứng dụng di động để nhân viên trả lời khách mọi lúc\n"
            "\n"
            "Dành cho hộ kinh doanh, shop thời trang, spa và cửa hàng đặc sản. Sản phẩm không có phễu bán hàng phức tạp hay tổng đài, bù lại cài đặt chỉ mất 30 phút với sự hướng dẫn của nhân viên Côn Sơn qua Zalo."
        ),
        "category": "crm",
        "deployment": "cloud",
        "website": "https://consonsoft.vn/crm-zalo",
        "features": {
            "pipeline": "no",
            "zalo": "yes",
            "call_center": "no",
            "email_marketing": "no",
            "mobile_app": "yes",
            "users_included": "3 người dùng",
        },
        "extras": [("Tin nhắn ZNS", "1.000 tin/tháng ở gói Cửa hàng")],
        "plans": [
            {
                "name": "Cá nhân",
                "price_vnd": 99000,
                "period": "month",
                "trial_days": 7,
                "limits": "1 Zalo OA, 1 Fanpage, 3 người dùng",
            },
            {
                "name": "Cửa hàng",
                "price_vnd": 249000,
                "period": "month",
                "trial_days": 7,
                "limits": "3 kênh, 10 người dùng, 1.000 tin ZNS/tháng",
            },
        ],
        "status": "published",
        "published_days_ago": 7,
    },
    {
        "vendor_tax_code": HONG_HA,
        "slug": "hong-ha-khach-hang-360",
        "name": "Hồng Hà Khách hàng 360",
        "tagline": "Theo dõi khách hàng, công nợ và lịch sử giao dịch trên một màn hình, liên thông sẵn với Kế toán Hồng Hà.",
        "description": (
            "Hồng Hà Khách hàng 360 kết hợp CRM với dữ liệu công nợ từ phần mềm kế toán, giúp nhân viên kinh doanh biết ngay khách nào đang nợ quá hạn trước khi nhận đơn hàng mới.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Quản lý cơ hội, báo giá và hợp đồng theo từng giai đoạn\n"
            "- Hiển thị công nợ, hạn mức tín dụng lấy trực tiếp từ Kế toán Hồng Hà Online\n"
            "- Gửi email giới thiệu sản phẩm theo danh sách khách đã phân nhóm\n"
            "- Lịch hẹn, nhắc việc cho nhân viên kinh doanh\n"
            "\n"
            "Phù hợp doanh nghiệp phân phối vật liệu xây dựng, nông sản, thiết bị có nhiều khách hàng mua công nợ. Phiên bản hiện tại chưa kết nối Zalo và tổng đài. Hồng Hà đào tạo tại chỗ miễn phí một buổi cho đội kinh doanh."
        ),
        "category": "crm",
        "deployment": "cloud",
        "website": None,
        "features": {
            "pipeline": "yes",
            "zalo": "no",
            "call_center": "no",
            "email_marketing": "yes",
            "mobile_app": "no",
            "users_included": "10 người dùng",
        },
        "extras": [("Kiểm soát hạn mức công nợ", "Có")],
        "plans": [
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 2400000,
                "period": "year",
                "trial_days": 0,
                "limits": "10 người dùng",
            },
            {
                "name": "Mở rộng",
                "price_vnd": 4800000,
                "period": "year",
                "trial_days": 0,
                "limits": "30 người dùng, đồng bộ nhiều cơ sở dữ liệu kế toán",
            },
        ],
        "status": "published",
        "published_days_ago": 230,
    },
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-callcenter-crm",
        "name": "BachDang CallCenter CRM",
        "tagline": "Tổng đài chăm sóc khách hàng đa kênh kết hợp CRM, dành cho doanh nghiệp có trung tâm cuộc gọi.",
        "description": (
            "BachDang CallCenter CRM hợp nhất tổng đài IP, Zalo, email và chat trên website vào một giao diện duy nhất cho điện thoại viên. Mỗi cuộc gọi đến tự hiện hồ sơ khách hàng và toàn bộ lịch sử phục vụ.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Tổng đài IP với đầu số cố định, phân phối cuộc gọi tự động và IVR nhiều cấp\n"
            "- Ghi âm, chấm điểm chất lượng cuộc gọi\n"
            "- Kết nối Zalo OA, email và chat trên website\n"
            "- Chiến dịch gọi ra và email marketing hàng loạt\n"
            "- Báo cáo năng suất điện thoại viên theo thời gian thực\n"
            "\n"
            "Dành cho doanh nghiệp có từ 10 điện thoại viên trở lên như bảo hiểm, bệnh viện, chuỗi bán lẻ. Hỗ trợ kỹ thuật 24/7, cam kết khả dụng 99,9%."
        ),
        "category": "crm",
        "deployment": "cloud",
        "website": "https://bachdangcloud.vn/callcenter",
        "features": {
            "pipeline": "yes",
            "zalo": "yes",
            "call_center": "yes",
            "email_marketing": "yes",
            "mobile_app": "yes",
            "users_included": "10 người dùng",
        },
        "extras": [("IVR nhiều cấp", "Có")],
        "plans": [
            {
                "name": "Trung tâm 10 ghế",
                "price_vnd": 4500000,
                "period": "month",
                "trial_days": 14,
                "limits": "10 điện thoại viên, 1 đầu số cố định",
            },
            {
                "name": "Trung tâm 30 ghế",
                "price_vnd": 12000000,
                "period": "month",
                "trial_days": 0,
                "limits": "30 điện thoại viên, 3 đầu số, IVR nâng cao",
            },
        ],
        "status": "pending",
        "published_days_ago": None,
    },
    # ----------------------------------------------------------------- ban-hang
    {
        "vendor_tax_code": CON_SON,
        "slug": "con-son-pos",
        "name": "Côn Sơn POS",
        "tagline": "Phần mềm bán hàng tại quầy cho tạp hóa, cửa hàng thời trang, đồng bộ tồn kho với Shopee và TikTok Shop.",
        "description": (
            "Côn Sơn POS giúp chủ cửa hàng bán hàng nhanh bằng máy quét mã vạch, quản lý tồn kho và theo dõi doanh thu từ xa trên điện thoại. Đơn hàng từ các sàn thương mại điện tử được gom về cùng một kho, không còn cảnh bán vượt số lượng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Bán hàng tại quầy, in hóa đơn, hỗ trợ máy quét mã vạch và két đựng tiền\n"
            "- Đồng bộ sản phẩm, tồn kho với Shopee, Lazada, TikTok Shop\n"
            "- Quản lý nhập hàng, kiểm kê, cảnh báo hàng sắp hết\n"
            "- Tích điểm, ưu đãi cho khách hàng thân thiết\n"
            "- Xuất hóa đơn điện tử từ máy tính tiền qua Côn Sơn HĐĐT\n"
            "\n"
            "Phù hợp hộ kinh doanh và chuỗi nhỏ đến 10 chi nhánh. Côn Sơn có đội kỹ thuật tại Chí Linh, hỗ trợ lắp đặt thiết bị và tập huấn nhân viên ngay trong ngày."
        ),
        "category": "ban-hang",
        "deployment": "cloud",
        "website": "https://consonsoft.vn/pos",
        "features": {
            "pos": "yes",
            "marketplace_sync": "yes",
            "inventory": "yes",
            "e_invoice_link": "yes",
            "loyalty": "yes",
            "branches": "10 chi nhánh",
        },
        "extras": [("Bộ thiết bị bán hàng", "Trả góp 0% trong 6 tháng")],
        "plans": [
            {
                "name": "Cơ bản",
                "price_vnd": 150000,
                "period": "month",
                "trial_days": 30,
                "limits": "1 chi nhánh, 2 tài khoản nhân viên",
            },
            {
                "name": "Chuyên nghiệp",
                "price_vnd": 290000,
                "period": "month",
                "trial_days": 30,
                "limits": "3 chi nhánh, đồng bộ sàn thương mại điện tử",
            },
            {
                "name": "Chuỗi",
                "price_vnd": 690000,
                "period": "month",
                "trial_days": 0,
                "limits": "10 chi nhánh, báo cáo hợp nhất",
            },
        ],
        "status": "published",
        "published_days_ago": 60,
    },
    {
        "vendor_tax_code": CON_SON,
        "slug": "ban-hang-con-son-nha-thuoc",
        "name": "Bán hàng Côn Sơn Nhà thuốc",
        "tagline": "Quản lý nhà thuốc đạt chuẩn GPP, liên thông dữ liệu mua bán thuốc với Cổng dược quốc gia.",
        "description": (
            "Bán hàng Côn Sơn Nhà thuốc được xây dựng riêng cho quầy thuốc và nhà thuốc tư nhân, đáp ứng yêu cầu kết nối liên thông cơ sở cung ứng thuốc của Bộ Y tế. Dược sĩ bán hàng nhanh, còn chủ nhà thuốc nắm chắc hạn dùng của từng lô.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Quản lý thuốc theo số lô, hạn sử dụng, cảnh báo thuốc sắp hết hạn\n"
            "- Tự động liên thông đơn bán, phiếu nhập lên Cổng dược quốc gia\n"
            "- Bán thuốc theo đơn, lưu thông tin người bệnh và bác sĩ kê đơn\n"
            "- Kiểm kê, báo cáo xuất nhập tồn theo mẫu GPP\n"
            "\n"
            "Phù hợp nhà thuốc, quầy thuốc tại các xã, thị trấn trong tỉnh. Chưa hỗ trợ đồng bộ sàn thương mại điện tử. Côn Sơn cài đặt từ xa, hỗ trợ qua Zalo và có tài liệu hướng dẫn chuẩn bị hồ sơ thẩm định GPP."
        ),
        "category": "ban-hang",
        "deployment": "cloud",
        "website": "https://consonsoft.vn/nha-thuoc",
        "features": {
            "pos": "yes",
            "marketplace_sync": "no",
            "inventory": "yes",
            "e_invoice_link": "yes",
            "loyalty": "no",
            "branches": "1 chi nhánh",
        },
        "extras": [("Liên thông Cổng dược quốc gia", "Tự động")],
        "plans": [
            {
                "name": "Quầy thuốc",
                "price_vnd": 1200000,
                "period": "year",
                "trial_days": 0,
                "limits": "1 quầy thuốc, 2 người dùng",
            },
            {
                "name": "Nhà thuốc",
                "price_vnd": 2000000,
                "period": "year",
                "trial_days": 0,
                "limits": "1 nhà thuốc, 5 người dùng, in đơn thuốc",
            },
        ],
        "status": "published",
        "published_days_ago": 140,
    },
    {
        "vendor_tax_code": HONG_HA,
        "slug": "hong-ha-ban-le",
        "name": "Hồng Hà Bán lẻ",
        "tagline": "Quản lý bán hàng, kho và công nợ cho cửa hàng vật liệu xây dựng, điện máy, vật tư nông nghiệp.",
        "description": (
            "Hồng Hà Bán lẻ phù hợp các cửa hàng vừa bán buôn vừa bán lẻ, có nhiều khách mua công nợ và hàng hóa nhiều đơn vị tính như tấn, bao, mét, thùng. Mọi phiếu bán được ghi nhận ngay vào sổ kế toán, cuối tháng không phải nhập lại.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Bán hàng nhiều đơn vị tính, quy đổi tự động\n"
            "- Theo dõi công nợ khách hàng, nhà cung cấp, in phiếu nhắc nợ\n"
            "- Quản lý nhiều kho, điều chuyển hàng giữa các chi nhánh\n"
            "- Liên kết Hóa đơn điện tử Hồng Hà và Kế toán Hồng Hà Online\n"
            "\n"
            "Thích hợp cửa hàng vật liệu xây dựng, vật tư nông nghiệp tại Gia Lộc, Cẩm Giàng, Bình Giang và các huyện lân cận. Hồng Hà triển khai tại chỗ và hỗ trợ trong giờ hành chính."
        ),
        "category": "ban-hang",
        "deployment": "cloud",
        "website": "https://honghasoft.vn/ban-le",
        "features": {
            "pos": "yes",
            "marketplace_sync": "no",
            "inventory": "yes",
            "e_invoice_link": "yes",
            "loyalty": "no",
            "branches": "5 chi nhánh",
        },
        "extras": [("Bán hàng nhiều đơn vị tính", "Có")],
        "plans": [
            {
                "name": "Cửa hàng",
                "price_vnd": 1500000,
                "period": "year",
                "trial_days": 0,
                "limits": "1 chi nhánh, 3 người dùng",
            },
            {
                "name": "Chi nhánh",
                "price_vnd": 3600000,
                "period": "year",
                "trial_days": 0,
                "limits": "Tối đa 5 chi nhánh, 15 người dùng",
            },
        ],
        "status": "published",
        "published_days_ago": 320,
    },
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-pos-quan-an",
        "name": "SaoKhuê POS Quán ăn",
        "tagline": "Gọi món bằng mã QR, in phiếu bếp và thanh toán VietQR cho nhà hàng, quán cà phê.",
        "description": (
            "SaoKhuê POS Quán ăn giúp nhà hàng, quán cà phê phục vụ nhanh hơn trong giờ cao điểm. Khách quét mã QR trên bàn để gọi món, đơn tự chuyển xuống bếp, thu ngân nhận thanh toán VietQR chỉ với một lần chạm.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Sơ đồ bàn, gộp bàn, tách hóa đơn\n"
            "- Gọi món qua QR tại bàn, phiếu in riêng cho bếp và quầy pha chế\n"
            "- Định lượng nguyên liệu, trừ kho theo món bán ra\n"
            "- Xuất hóa đơn điện tử từ máy tính tiền qua SaoKhuê eInvoice\n"
            "- Tích điểm và mã giảm giá cho khách quen\n"
            "\n"
            "Phù hợp quán ăn, nhà hàng, quán cà phê từ một đến năm cơ sở. Sao Khuê cho mượn máy in bếp trong thời gian dùng thử và trực hỗ trợ 24/7 vào cuối tuần."
        ),
        "category": "ban-hang",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/pos",
        "features": {
            "pos": "yes",
            "marketplace_sync": "no",
            "inventory": "yes",
            "e_invoice_link": "yes",
            "loyalty": "yes",
            "branches": "5 chi nhánh",
        },
        "extras": [("Gọi món bằng QR tại bàn", "Có")],
        "plans": [
            {
                "name": "Miễn phí",
                "price_vnd": 0,
                "period": "month",
                "trial_days": 0,
                "limits": "1 cơ sở, 10 bàn, 1 thiết bị",
            },
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 250000,
                "period": "month",
                "trial_days": 14,
                "limits": "1 cơ sở, không giới hạn bàn, quản lý kho",
            },
            {
                "name": "Chuỗi",
                "price_vnd": 650000,
                "period": "month",
                "trial_days": 14,
                "limits": "Tối đa 5 cơ sở, báo cáo hợp nhất",
            },
        ],
        "status": "published",
        "published_days_ago": 25,
    },
    # ---------------------------------------------------------- may-chu-dam-may
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-cloud-server",
        "name": "BachDang Cloud Server",
        "tagline": "Máy chủ ảo SSD NVMe đặt tại Việt Nam, khởi tạo trong 60 giây, cam kết SLA 99,95%.",
        "description": (
            "BachDang Cloud Server cung cấp máy chủ ảo hiệu năng cao trên hạ tầng trung tâm dữ liệu đạt chuẩn Tier III tại Hà Nội. Doanh nghiệp chủ động tăng, giảm cấu hình theo nhu cầu và chỉ trả tiền cho tài nguyên thực sự sử dụng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Ổ cứng SSD NVMe, CPU thế hệ mới, mạng nội bộ 10 Gbps\n"
            "- Địa chỉ IP tĩnh, tường lửa và chống tấn công DDoS cơ bản\n"
            "- Sao lưu tự động hằng ngày, giữ 7 bản gần nhất\n"
            "- Khởi tạo từ mẫu cài sẵn Windows Server, Ubuntu, phần mềm kế toán\n"
            "- Bảng điều khiển và API để quản lý hạ tầng\n"
            "\n"
            "Dữ liệu lưu trữ hoàn toàn trong nước, thuận lợi cho việc tuân thủ Nghị định 13/2023/NĐ-CP. Hỗ trợ kỹ thuật 24/7 qua tổng đài, email và hệ thống yêu cầu hỗ trợ."
        ),
        "category": "may-chu-dam-may",
        "deployment": "cloud",
        "website": "https://bachdangcloud.vn/cloud-server",
        "features": {
            "vcpu": "1–32 vCPU",
            "ram": "2–128 GB",
            "ssd": "40–2.000 GB NVMe",
            "bandwidth": "100 Mbps–1 Gbps",
            "static_ip": "yes",
            "auto_backup": "yes",
            "sla": "99,95%",
            "dc_vietnam": "yes",
        },
        "extras": [("Chống DDoS", "Cơ bản, miễn phí")],
        "plans": [
            {
                "name": "Cloud S",
                "price_vnd": 180000,
                "period": "month",
                "trial_days": 7,
                "limits": "1 vCPU, 2 GB RAM, 40 GB SSD NVMe",
            },
            {
                "name": "Cloud M",
                "price_vnd": 450000,
                "period": "month",
                "trial_days": 7,
                "limits": "2 vCPU, 4 GB RAM, 80 GB SSD NVMe",
            },
            {
                "name": "Cloud L",
                "price_vnd": 990000,
                "period": "month",
                "trial_days": 0,
                "limits": "4 vCPU, 8 GB RAM, 160 GB SSD NVMe",
            },
            {
                "name": "Cloud XL",
                "price_vnd": 2400000,
                "period": "month",
                "trial_days": 0,
                "limits": "8 vCPU, 16 GB RAM, 320 GB SSD NVMe",
            },
        ],
        "status": "published",
        "published_days_ago": 280,
    },
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-private-cloud",
        "name": "BachDang Private Cloud",
        "tagline": "Đám mây riêng kết hợp hạ tầng tại doanh nghiệp và trung tâm dữ liệu BachDang, tài nguyên dành riêng, quản trị trọn gói.",
        "description": (
            "BachDang Private Cloud dành cho doanh nghiệp cần tài nguyên riêng biệt để chạy ERP, cơ sở dữ liệu lớn hoặc hệ thống có yêu cầu bảo mật cao. Tài nguyên tính toán đặt tại trung tâm dữ liệu BachDang, kết nối với máy chủ tại nhà máy qua kênh truyền riêng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Máy chủ vật lý dành riêng, không chia sẻ với khách hàng khác\n"
            "- Kênh thuê riêng hoặc VPN site-to-site đến văn phòng, nhà máy\n"
            "- Sao lưu và khôi phục thảm họa sang trung tâm dữ liệu thứ hai\n"
            "- Kỹ sư quản trị hệ điều hành, vá lỗi và giám sát 24/7\n"
            "\n"
            "Phù hợp doanh nghiệp FDI, nhà máy tại các khu công nghiệp Hải Dương cần lưu dữ liệu tại Việt Nam. Khảo sát và thiết kế giải pháp miễn phí; cam kết SLA 99,99% bằng văn bản trong hợp đồng."
        ),
        "category": "may-chu-dam-may",
        "deployment": "hybrid",
        "website": "https://bachdangcloud.vn/private-cloud",
        "features": {
            "vcpu": "16–96 vCPU",
            "ram": "64–768 GB",
            "ssd": "2–20 TB NVMe",
            "bandwidth": "1 Gbps",
            "static_ip": "yes",
            "auto_backup": "yes",
            "sla": "99,99%",
            "dc_vietnam": "yes",
        },
        "extras": [("Khôi phục thảm họa", "Sang trung tâm dữ liệu thứ hai")],
        "plans": [
            {
                "name": "Máy chủ riêng",
                "price_vnd": 2900000,
                "period": "month",
                "trial_days": 0,
                "limits": "1 máy chủ vật lý 16 nhân, 64 GB RAM, 2 × 960 GB SSD",
            },
            {
                "name": "Cụm riêng",
                "price_vnd": 18000000,
                "period": "month",
                "trial_days": 0,
                "limits": "3 máy chủ, nền tảng ảo hóa, sao lưu sang trung tâm dữ liệu thứ hai",
            },
        ],
        "status": "published",
        "published_days_ago": 195,
    },
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-vps-hai-duong",
        "name": "SaoKhuê VPS Hải Dương",
        "tagline": "VPS giá rẻ cho website, phần mềm kế toán và máy chủ tệp của doanh nghiệp nhỏ, kỹ thuật viên hỗ trợ tận nơi.",
        "description": (
            "SaoKhuê VPS Hải Dương chạy trên hạ tầng Sao Khuê đặt tại trung tâm dữ liệu ở Hà Nội, phù hợp doanh nghiệp nhỏ cần đưa phần mềm kế toán, website hay máy chủ tệp lên đám mây mà không có nhân viên công nghệ thông tin riêng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Cài đặt sẵn phần mềm kế toán, máy chủ tệp, Remote Desktop\n"
            "- Sao lưu tự động mỗi tuần, khôi phục theo yêu cầu\n"
            "- IP tĩnh riêng, tường lửa cấu hình sẵn\n"
            "- Kỹ thuật viên chuyển dữ liệu từ máy tính cũ lên VPS miễn phí\n"
            "\n"
            "Thích hợp văn phòng 5–30 người dùng trên địa bàn Hải Dương. Hỗ trợ qua Zalo và điều khiển từ xa trong giờ hành chính, xử lý sự cố khẩn cấp cả ngoài giờ."
        ),
        "category": "may-chu-dam-may",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/vps",
        "features": {
            "vcpu": "1–8 vCPU",
            "ram": "2–16 GB",
            "ssd": "40–400 GB SSD",
            "bandwidth": "50 Mbps",
            "static_ip": "yes",
            "auto_backup": "yes",
            "sla": "99,9%",
            "dc_vietnam": "yes",
        },
        "extras": [("Chuyển dữ liệu lên VPS", "Miễn phí")],
        "plans": [
            {
                "name": "VPS 1",
                "price_vnd": 150000,
                "period": "month",
                "trial_days": 14,
                "limits": "1 vCPU, 2 GB RAM, 40 GB SSD",
            },
            {
                "name": "VPS 2",
                "price_vnd": 350000,
                "period": "month",
                "trial_days": 14,
                "limits": "2 vCPU, 4 GB RAM, 100 GB SSD, có Windows Server",
            },
            {
                "name": "VPS 4",
                "price_vnd": 790000,
                "period": "month",
                "trial_days": 0,
                "limits": "4 vCPU, 8 GB RAM, 200 GB SSD, có Windows Server",
            },
        ],
        "status": "published",
        "published_days_ago": 100,
    },
    {
        "vendor_tax_code": THANH_DONG,
        "slug": "thanh-dong-secure-vps",
        "name": "Thành Đông Secure VPS",
        "tagline": "Máy chủ ảo tích hợp tường lửa ứng dụng web, quét mã độc và giám sát bảo mật liên tục.",
        "description": (
            "Thành Đông Secure VPS kết hợp máy chủ ảo với lớp bảo vệ do chính đội ngũ an ninh mạng Thành Đông vận hành. Sản phẩm phù hợp cho website bán hàng, cổng thông tin và ứng dụng lưu giữ dữ liệu khách hàng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Tường lửa ứng dụng web chặn SQL injection, XSS\n"
            "- Quét mã độc và kiểm tra lỗ hổng hằng tuần, báo cáo qua email\n"
            "- Giám sát đăng nhập bất thường, tự động chặn địa chỉ IP tấn công\n"
            "- Sao lưu tự động hằng ngày ra vùng lưu trữ tách biệt\n"
            "\n"
            "Dành cho doanh nghiệp cần đáp ứng yêu cầu bảo vệ dữ liệu cá nhân theo Nghị định 13/2023/NĐ-CP. Kỹ sư bảo mật trực 24/7 và xử lý sự cố trong vòng 2 giờ."
        ),
        "category": "may-chu-dam-may",
        "deployment": "cloud",
        "website": "https://thanhdongsec.vn/secure-vps",
        "features": {
            "vcpu": "2–8 vCPU",
            "ram": "4–32 GB",
            "ssd": "80–500 GB NVMe",
            "bandwidth": "200 Mbps",
            "static_ip": "yes",
            "auto_backup": "yes",
            "sla": "99,9%",
            "dc_vietnam": "yes",
        },
        "extras": [("Tường lửa ứng dụng web", "Có sẵn")],
        "plans": [
            {
                "name": "Secure 2",
                "price_vnd": 390000,
                "period": "month",
                "trial_days": 0,
                "limits": "2 vCPU, 4 GB RAM, 80 GB NVMe, WAF cơ bản",
            },
            {
                "name": "Secure 4",
                "price_vnd": 890000,
                "period": "month",
                "trial_days": 0,
                "limits": "4 vCPU, 8 GB RAM, 160 GB NVMe, quét lỗ hổng hằng tuần",
            },
            {
                "name": "Secure 8",
                "price_vnd": 1900000,
                "period": "month",
                "trial_days": 0,
                "limits": "8 vCPU, 32 GB RAM, 500 GB NVMe, báo cáo bảo mật hằng tháng",
            },
        ],
        "status": "published",
        "published_days_ago": 55,
    },
    # ---------------------------------------------------------- luu-tru-dam-may
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-object-storage",
        "name": "BachDang Object Storage",
        "tagline": "Lưu trữ đối tượng tương thích S3, dữ liệu đặt tại Việt Nam, giá chỉ từ 2.500 ₫/GB mỗi tháng.",
        "description": (
            "BachDang Object Storage là dịch vụ lưu trữ dung lượng lớn cho hình ảnh, video, tệp sao lưu và dữ liệu ứng dụng. Giao diện lập trình tương thích Amazon S3 giúp chuyển ứng dụng sẵn có sang mà không phải sửa mã nguồn.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Tương thích S3 API, dùng được với rclone, Veeam và các thư viện phổ biến\n"
            "- Lưu nhiều phiên bản đối tượng, khóa chống xóa\n"
            "- Mã hóa dữ liệu khi lưu trữ và khi truyền\n"
            "- Tạo đường dẫn chia sẻ có thời hạn\n"
            "- Mỗi đối tượng được lưu ba bản sao trong trung tâm dữ liệu trong nước\n"
            "\n"
            "Phù hợp doanh nghiệp phần mềm, truyền thông, hệ thống camera giám sát cần lưu trữ lâu dài. Không tính phí băng thông trong nước; hỗ trợ kỹ thuật 24/7."
        ),
        "category": "luu-tru-dam-may",
        "deployment": "cloud",
        "website": "https://bachdangcloud.vn/object-storage",
        "features": {
            "capacity": "Từ 100 GB, không giới hạn",
            "s3_api": "yes",
            "versioning": "yes",
            "encryption": "yes",
            "sharing": "yes",
            "dc_vietnam": "yes",
        },
        "extras": [("Băng thông trong nước", "Miễn phí")],
        "plans": [
            {
                "name": "Gói 100 GB",
                "price_vnd": 250000,
                "period": "month",
                "trial_days": 30,
                "limits": "100 GB lưu trữ, miễn phí băng thông trong nước",
            },
            {
                "name": "Gói 500 GB",
                "price_vnd": 1150000,
                "period": "month",
                "trial_days": 30,
                "limits": "500 GB lưu trữ, miễn phí băng thông trong nước",
            },
            {
                "name": "Gói 2 TB",
                "price_vnd": 4000000,
                "period": "month",
                "trial_days": 0,
                "limits": "2 TB lưu trữ, khóa chống xóa, hỗ trợ kỹ thuật ưu tiên",
            },
        ],
        "status": "published",
        "published_days_ago": 160,
    },
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-drive",
        "name": "SaoKhuê Drive",
        "tagline": "Ổ đĩa đám mây cho văn phòng: đồng bộ thư mục, chia sẻ tài liệu nội bộ, phân quyền theo phòng ban.",
        "description": (
            "SaoKhuê Drive thay thế ổ cứng dùng chung và USB trong văn phòng bằng kho tài liệu trực tuyến, truy cập được từ máy tính và điện thoại ở bất cứ đâu.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Ứng dụng đồng bộ thư mục trên Windows, macOS, Android, iOS\n"
            "- Chia sẻ tệp bằng đường dẫn có mật khẩu và hạn dùng\n"
            "- Lưu 30 phiên bản gần nhất của mỗi tệp, khôi phục khi bị ghi đè hoặc nhiễm mã độc tống tiền\n"
            "- Mã hóa dữ liệu, xác thực hai lớp khi đăng nhập\n"
            "- Phân quyền thư mục theo phòng ban, nhật ký truy cập\n"
            "\n"
            "Dữ liệu đặt tại Việt Nam, phù hợp doanh nghiệp từ 5 đến 100 người dùng. Sao Khuê hỗ trợ chuyển dữ liệu từ máy chủ tệp cũ và đào tạo sử dụng miễn phí."
        ),
        "category": "luu-tru-dam-may",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/drive",
        "features": {
            "capacity": "1–5 TB dùng chung",
            "s3_api": "no",
            "versioning": "yes",
            "encryption": "yes",
            "sharing": "yes",
            "dc_vietnam": "yes",
        },
        "extras": [("Xác thực hai lớp", "Có")],
        "plans": [
            {
                "name": "Nhóm",
                "price_vnd": 200000,
                "period": "month",
                "trial_days": 30,
                "limits": "10 người dùng, 1 TB dùng chung",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 650000,
                "period": "month",
                "trial_days": 30,
                "limits": "50 người dùng, 5 TB dùng chung",
            },
        ],
        "status": "published",
        "published_days_ago": 65,
    },
    {
        "vendor_tax_code": THANH_DONG,
        "slug": "thanh-dong-backup",
        "name": "Thành Đông Backup",
        "tagline": "Sao lưu tự động máy chủ và máy tính lên đám mây, chống mã độc tống tiền bằng bản sao bất biến.",
        "description": (
            "Mã độc tống tiền là mối đe dọa lớn với doanh nghiệp nhỏ: chỉ một lần nhiễm có thể mất toàn bộ dữ liệu kế toán và khách hàng. Thành Đông Backup giữ bản sao dữ liệu an toàn bên ngoài văn phòng, không thể bị xóa hay mã hóa từ máy tính bị nhiễm.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Sao lưu máy tính, máy chủ Windows, Linux và cơ sở dữ liệu SQL Server\n"
            "- Bản sao bất biến được giữ 30 ngày\n"
            "- Mã hóa AES-256 ngay trên máy trước khi gửi đi\n"
            "- Kiểm tra khôi phục định kỳ, báo cáo hằng tháng\n"
            "\n"
            "Phù hợp doanh nghiệp không có bộ phận công nghệ thông tin. Kỹ sư Thành Đông cấu hình từ xa trong một buổi và hỗ trợ khôi phục khẩn cấp 24/7."
        ),
        "category": "luu-tru-dam-may",
        "deployment": "cloud",
        "website": "https://thanhdongsec.vn/backup",
        "features": {
            "capacity": "200 GB–5 TB",
            "s3_api": "no",
            "versioning": "yes",
            "encryption": "yes",
            "sharing": "no",
            "dc_vietnam": "yes",
        },
        "extras": [("Bản sao bất biến", "Giữ 30 ngày")],
        "plans": [
            {
                "name": "Văn phòng",
                "price_vnd": 350000,
                "period": "month",
                "trial_days": 0,
                "limits": "5 máy tính, 200 GB",
            },
            {
                "name": "Máy chủ",
                "price_vnd": 990000,
                "period": "month",
                "trial_days": 0,
                "limits": "2 máy chủ, 10 máy tính, 1 TB",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 2900000,
                "period": "month",
                "trial_days": 0,
                "limits": "10 máy chủ, 50 máy tính, 5 TB",
            },
        ],
        "status": "published",
        "published_days_ago": 215,
    },
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-backup-365",
        "name": "SaoKhuê Backup 365",
        "tagline": "Sao lưu hộp thư, OneDrive và SharePoint của Microsoft 365 về kho lưu trữ đặt tại Việt Nam.",
        "description": (
            "Microsoft 365 không giữ lại dữ liệu đã xóa sau khi hết thời hạn lưu giữ. SaoKhuê Backup 365 sao lưu tự động email, lịch, OneDrive, SharePoint và Teams hằng ngày để doanh nghiệp luôn khôi phục được khi nhân viên lỡ tay xóa hoặc nghỉ việc.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Sao lưu bốn lần mỗi ngày, giữ dữ liệu không giới hạn thời gian\n"
            "- Khôi phục từng email, từng tệp hoặc cả hộp thư\n"
            "- Mã hóa dữ liệu, lưu tại trung tâm dữ liệu trong nước\n"
            "- Tìm kiếm toàn văn trong dữ liệu đã sao lưu\n"
            "\n"
            "Dành cho doanh nghiệp đang dùng Microsoft 365 từ 10 hộp thư trở lên. Sao Khuê cấu hình trong 30 phút và trực tổng đài 24/7."
        ),
        "category": "luu-tru-dam-may",
        "deployment": "cloud",
        "website": None,
        "features": {
            "capacity": "Không giới hạn",
            "s3_api": "no",
            "versioning": "yes",
            "encryption": "yes",
            "sharing": "no",
            "dc_vietnam": "yes",
        },
        "extras": [],
        "plans": [
            {
                "name": "Gói 10 người dùng",
                "price_vnd": 420000,
                "period": "month",
                "trial_days": 30,
                "limits": "10 hộp thư, không giới hạn dung lượng",
            },
            {
                "name": "Gói 50 người dùng",
                "price_vnd": 1900000,
                "period": "month",
                "trial_days": 30,
                "limits": "50 hộp thư, không giới hạn dung lượng",
            },
        ],
        "status": "pending",
        "published_days_ago": None,
    },
    # -------------------------------------------------------- an-toan-thong-tin
    {
        "vendor_tax_code": THANH_DONG,
        "slug": "thanh-dong-endpoint-shield",
        "name": "Thành Đông Endpoint Shield",
        "tagline": "Diệt virus và phát hiện, phản hồi mối đe dọa (EDR) cho máy tính doanh nghiệp, quản lý tập trung trên một bảng điều khiển.",
        "description": (
            "Thành Đông Endpoint Shield bảo vệ máy tính, máy chủ của doanh nghiệp trước virus, mã độc tống tiền và tấn công có chủ đích. Công nghệ EDR ghi lại hành vi trên từng thiết bị để phát hiện các cuộc tấn công mà phần mềm diệt virus truyền thống bỏ sót.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Diệt virus thời gian thực, chặn USB lạ và website độc hại\n"
            "- Phát hiện hành vi bất thường, cô lập máy bị nhiễm chỉ với một cú nhấp\n"
            "- Quản lý chính sách tập trung, cập nhật từ máy chủ nội bộ hoặc đám mây\n"
            "- Báo cáo phục vụ kiểm tra an toàn hệ thống thông tin theo cấp độ\n"
            "\n"
            "Phù hợp doanh nghiệp từ 10 đến 1.000 máy tính. Máy chủ quản trị đặt tại doanh nghiệp, còn dữ liệu phân tích mối đe dọa được xử lý trên đám mây. Hỗ trợ xử lý sự cố 24/7."
        ),
        "category": "an-toan-thong-tin",
        "deployment": "hybrid",
        "website": "https://thanhdongsec.vn/endpoint",
        "features": {
            "antivirus": "yes",
            "edr": "yes",
            "firewall": "no",
            "monitoring_247": "no",
            "devices": "10–1.000 thiết bị",
            "compliance_level": "Cấp độ 2 theo NĐ 85/2016/NĐ-CP",
        },
        "extras": [("Kiểm soát USB", "Có")],
        "plans": [
            {
                "name": "Gói 10 máy",
                "price_vnd": 3000000,
                "period": "year",
                "trial_days": 30,
                "limits": "10 máy tính, diệt virus và EDR",
            },
            {
                "name": "Gói 50 máy",
                "price_vnd": 13500000,
                "period": "year",
                "trial_days": 30,
                "limits": "50 máy tính, 2 máy chủ",
            },
            {
                "name": "Gói 200 máy",
                "price_vnd": 48000000,
                "period": "year",
                "trial_days": 0,
                "limits": "200 thiết bị, chuyên viên hỗ trợ riêng",
            },
        ],
        "status": "published",
        "published_days_ago": 240,
    },
    {
        "vendor_tax_code": THANH_DONG,
        "slug": "thanh-dong-soc-24-7",
        "name": "Thành Đông SOC 24/7",
        "tagline": "Dịch vụ giám sát an ninh mạng 24/7: chuyên gia theo dõi, cảnh báo và xử lý sự cố thay doanh nghiệp.",
        "description": (
            "Doanh nghiệp vừa và nhỏ hiếm khi đủ nguồn lực để duy trì đội an ninh mạng riêng. Thành Đông SOC 24/7 cung cấp trung tâm giám sát dưới dạng dịch vụ: nhật ký từ tường lửa, máy chủ, máy tính được thu thập về hệ thống SIEM và được chuyên gia phân tích liên tục.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Giám sát suốt ngày đêm, cảnh báo sự cố nghiêm trọng trong 15 phút\n"
            "- Thu thập nhật ký từ tường lửa, máy chủ, EDR và ứng dụng\n"
            "- Điều tra, ứng cứu sự cố và báo cáo nguyên nhân\n"
            "- Hỗ trợ lập hồ sơ đề xuất cấp độ theo Nghị định 85/2016/NĐ-CP\n"
            "- Báo cáo tình hình an toàn thông tin hằng tháng cho ban giám đốc\n"
            "\n"
            "Phù hợp bệnh viện, trường học, doanh nghiệp sản xuất có hệ thống thông tin cấp độ 2 và 3. Thiết bị thu thập nhật ký đặt tại doanh nghiệp, việc phân tích diễn ra tại trung tâm SOC của Thành Đông ở Hải Dương."
        ),
        "category": "an-toan-thong-tin",
        "deployment": "hybrid",
        "website": "https://thanhdongsec.vn/soc",
        "features": {
            "antivirus": "no",
            "edr": "yes",
            "firewall": "no",
            "monitoring_247": "yes",
            "devices": "Đến 200 nguồn nhật ký",
            "compliance_level": "Cấp độ 3 theo NĐ 85/2016/NĐ-CP",
        },
        "extras": [
            ("Thời gian cảnh báo sự cố", "Dưới 15 phút"),
            ("Ứng cứu tại chỗ", "Trong Thành phố Hải Phòng"),
        ],
        "plans": [
            {
                "name": "Cơ bản",
                "price_vnd": 8000000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 50 nguồn nhật ký",
            },
            {
                "name": "Nâng cao",
                "price_vnd": 18000000,
                "period": "month",
                "trial_days": 0,
                "limits": "Tối đa 200 nguồn nhật ký, ứng cứu sự cố tại chỗ",
            },
        ],
        "status": "published",
        "published_days_ago": 130,
    },
    {
        "vendor_tax_code": THANH_DONG,
        "slug": "tuong-lua-thanh-dong-utm",
        "name": "Tường lửa Thành Đông UTM",
        "tagline": "Thiết bị tường lửa hợp nhất đặt tại văn phòng: lọc web, chống xâm nhập, VPN cho nhân viên làm việc từ xa.",
        "description": (
            "Tường lửa Thành Đông UTM là thiết bị phần cứng kèm phần mềm bảo mật, lắp đặt tại văn phòng hoặc nhà xưởng để kiểm soát toàn bộ lưu lượng Internet ra vào. Giao diện quản trị tiếng Việt giúp nhân viên không chuyên cũng theo dõi được.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Tường lửa thế hệ mới, chống xâm nhập, lọc website theo danh mục\n"
            "- Quét virus trên lưu lượng web và email\n"
            "- VPN cho nhân viên làm việc từ xa và kết nối chi nhánh\n"
            "- Cân bằng tải nhiều đường truyền Internet\n"
            "\n"
            "Phù hợp văn phòng, nhà xưởng từ 20 đến 300 người dùng. Giá gói đã gồm thuê thiết bị, bản quyền và lắp đặt tại Hải Dương; kỹ thuật viên có mặt trong 4 giờ khi thiết bị gặp sự cố."
        ),
        "category": "an-toan-thong-tin",
        "deployment": "on_premise",
        "website": "https://thanhdongsec.vn/utm",
        "features": {
            "antivirus": "yes",
            "edr": "no",
            "firewall": "yes",
            "monitoring_247": "no",
            "devices": "Đến 300 người dùng",
            "compliance_level": "Cấp độ 2 theo NĐ 85/2016/NĐ-CP",
        },
        "extras": [("Có mặt khi thiết bị lỗi", "Trong 4 giờ")],
        "plans": [
            {
                "name": "UTM 50",
                "price_vnd": 18000000,
                "period": "year",
                "trial_days": 0,
                "limits": "Thiết bị cho tối đa 50 người dùng, bản quyền 1 năm",
            },
            {
                "name": "UTM 300",
                "price_vnd": 45000000,
                "period": "year",
                "trial_days": 0,
                "limits": "Thiết bị cho tối đa 300 người dùng, 2 đường truyền dự phòng",
            },
        ],
        "status": "published",
        "published_days_ago": 340,
    },
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-cloud-waf",
        "name": "BachDang Cloud WAF",
        "tagline": "Tường lửa ứng dụng web và chống DDoS trên đám mây, bảo vệ website chỉ bằng việc đổi bản ghi DNS.",
        "description": (
            "BachDang Cloud WAF đứng trước website của doanh nghiệp, lọc các truy cập độc hại trước khi chúng đến máy chủ. Việc kích hoạt chỉ mất vài phút, không cần cài đặt phần mềm hay thay đổi mã nguồn.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Chặn các tấn công phổ biến trong OWASP Top 10 như SQL injection, XSS\n"
            "- Chống DDoS tầng mạng và tầng ứng dụng, năng lực lọc hàng trăm Gbps\n"
            "- Trung tâm giám sát 24/7 tinh chỉnh luật bảo vệ\n"
            "- Chứng chỉ SSL miễn phí, tăng tốc website bằng mạng CDN trong nước\n"
            "\n"
            "Phù hợp website thương mại điện tử, cổng thanh toán và cổng thông tin của doanh nghiệp. Hỗ trợ kỹ thuật 24/7, báo cáo tấn công gửi hằng tuần."
        ),
        "category": "an-toan-thong-tin",
        "deployment": "cloud",
        "website": "https://bachdangcloud.vn/waf",
        "features": {
            "antivirus": "no",
            "edr": "no",
            "firewall": "yes",
            "monitoring_247": "yes",
            "devices": "1–20 tên miền",
            "compliance_level": "Cấp độ 3 theo NĐ 85/2016/NĐ-CP",
        },
        "extras": [("Chứng chỉ SSL", "Miễn phí")],
        "plans": [
            {
                "name": "Website",
                "price_vnd": 490000,
                "period": "month",
                "trial_days": 14,
                "limits": "1 tên miền, 50 GB lưu lượng/tháng",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 2500000,
                "period": "month",
                "trial_days": 14,
                "limits": "5 tên miền, chống DDoS nâng cao",
            },
            {
                "name": "Chuyên biệt",
                "price_vnd": 7900000,
                "period": "month",
                "trial_days": 0,
                "limits": "20 tên miền, luật bảo vệ tùy biến",
            },
        ],
        "status": "published",
        "published_days_ago": 85,
    },
    {
        "vendor_tax_code": THANH_DONG,
        "slug": "thanh-dong-mail-guard",
        "name": "Thành Đông Mail Guard",
        "tagline": "Lọc thư rác, thư lừa đảo và tệp đính kèm độc hại cho hộp thư doanh nghiệp.",
        "description": (
            "Phần lớn các vụ tấn công bằng mã độc tống tiền bắt đầu từ một email giả mạo. Thành Đông Mail Guard kiểm tra mọi thư gửi đến trước khi vào hộp thư nhân viên, hoạt động với Microsoft 365, Google Workspace và máy chủ thư riêng.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Lọc thư rác, thư giả mạo thương hiệu, thư lừa đảo chuyển tiền\n"
            "- Chạy thử tệp đính kèm trong môi trường cách ly\n"
            "- Viết lại đường dẫn trong thư và kiểm tra lại khi người dùng nhấp\n"
            "- Chiến dịch email mô phỏng để đào tạo nhân viên nhận diện lừa đảo\n"
            "\n"
            "Phù hợp doanh nghiệp từ 10 hộp thư trở lên, đặc biệt bộ phận kế toán thường nhận yêu cầu chuyển tiền. Hỗ trợ kỹ thuật 24/7 bằng tiếng Việt."
        ),
        "category": "an-toan-thong-tin",
        "deployment": "cloud",
        "website": None,
        "features": {
            "antivirus": "yes",
            "edr": "no",
            "firewall": "no",
            "monitoring_247": "yes",
            "devices": "10–1.000 hộp thư",
            "compliance_level": "Cấp độ 2 theo NĐ 85/2016/NĐ-CP",
        },
        "extras": [("Đào tạo nhận diện lừa đảo", "Mô phỏng hằng quý")],
        "plans": [
            {
                "name": "Cơ bản",
                "price_vnd": 350000,
                "period": "month",
                "trial_days": 0,
                "limits": "10 hộp thư, lọc thư rác và lừa đảo",
            },
            {
                "name": "Nâng cao",
                "price_vnd": 1500000,
                "period": "month",
                "trial_days": 0,
                "limits": "50 hộp thư, chạy thử tệp đính kèm, đào tạo nhận diện lừa đảo",
            },
        ],
        "status": "pending",
        "published_days_ago": None,
    },
    # --------------------------------------------------------- hop-dong-dien-tu
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-econtract",
        "name": "SaoKhuê eContract",
        "tagline": "Ký hợp đồng điện tử có giá trị pháp lý theo Luật Giao dịch điện tử 2023, hoàn tất trong vài phút thay vì vài ngày.",
        "description": (
            "SaoKhuê eContract giúp doanh nghiệp soạn, gửi và ký hợp đồng với khách hàng, đối tác, người lao động hoàn toàn trực tuyến. Mỗi hợp đồng được ký bằng chữ ký số và gắn dấu thời gian, có giá trị pháp lý như hợp đồng giấy theo Luật Giao dịch điện tử 2023.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Ký bằng USB token, chữ ký số từ xa hoặc xác thực eKYC qua căn cước gắn chip\n"
            "- Thư viện mẫu hợp đồng lao động, mua bán, dịch vụ\n"
            "- Luồng duyệt nội bộ nhiều cấp trước khi gửi ký\n"
            "- Tự động nhắc ký, theo dõi thời hạn hợp đồng\n"
            "- Lưu trữ an toàn, tra cứu theo đối tác và số hợp đồng\n"
            "\n"
            "Phù hợp doanh nghiệp ký nhiều hợp đồng lao động, hợp đồng đại lý, cho thuê. Sao Khuê hỗ trợ đăng ký chữ ký số từ xa cho doanh nghiệp và trực tổng đài 24/7."
        ),
        "category": "hop-dong-dien-tu",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/econtract",
        "features": {
            "ca_signature": "yes",
            "remote_signing": "yes",
            "ekyc_signing": "yes",
            "templates": "yes",
            "api": "no",
            "contracts_included": "200 hợp đồng/năm",
        },
        "extras": [("Luồng duyệt nội bộ", "Nhiều cấp")],
        "plans": [
            {
                "name": "Khởi đầu",
                "price_vnd": 1500000,
                "period": "year",
                "trial_days": 14,
                "limits": "200 hợp đồng/năm, 3 người dùng",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 4500000,
                "period": "year",
                "trial_days": 14,
                "limits": "1.000 hợp đồng/năm, 10 người dùng, luồng duyệt nâng cao",
            },
        ],
        "status": "published",
        "published_days_ago": 110,
    },
    {
        "vendor_tax_code": BACH_DANG,
        "slug": "bachdang-esign",
        "name": "BachDang eSign",
        "tagline": "Nền tảng ký số và hợp đồng điện tử có API, nhúng vào phần mềm quản lý, ứng dụng tài chính, bảo hiểm.",
        "description": (
            "BachDang eSign cung cấp hạ tầng ký số cho doanh nghiệp muốn đưa quy trình ký hợp đồng vào ngay ứng dụng của mình, từ phần mềm bán bảo hiểm đến ứng dụng cho thuê tài chính.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- API và SDK ký số, xác thực eKYC bằng khuôn mặt và căn cước gắn chip\n"
            "- Chữ ký số từ xa lưu trong thiết bị HSM, ký ngay trên điện thoại\n"
            "- Dấu thời gian và lưu vết toàn bộ quá trình giao kết\n"
            "- Ký hàng loạt hàng nghìn hợp đồng mỗi giờ\n"
            "\n"
            "Dành cho doanh nghiệp có đội ngũ công nghệ và lượng hợp đồng lớn. Giá trị pháp lý của hợp đồng tuân theo Luật Giao dịch điện tử 2023, dữ liệu cá nhân được xử lý theo Nghị định 13/2023/NĐ-CP. Hỗ trợ kỹ thuật 24/7, hoàn tất tích hợp trong 10 ngày làm việc."
        ),
        "category": "hop-dong-dien-tu",
        "deployment": "cloud",
        "website": "https://bachdangcloud.vn/esign",
        "features": {
            "ca_signature": "yes",
            "remote_signing": "yes",
            "ekyc_signing": "yes",
            "templates": "no",
            "api": "yes",
            "contracts_included": "5.000 lượt ký/năm",
        },
        "extras": [("Môi trường thử nghiệm API", "Miễn phí")],
        "plans": [
            {
                "name": "API Start",
                "price_vnd": 6000000,
                "period": "year",
                "trial_days": 30,
                "limits": "5.000 lượt ký/năm, môi trường thử nghiệm miễn phí",
            },
            {
                "name": "API Pro",
                "price_vnd": 20000000,
                "period": "year",
                "trial_days": 0,
                "limits": "30.000 lượt ký/năm, cam kết SLA 99,9%",
            },
        ],
        "status": "published",
        "published_days_ago": 50,
    },
    {
        "vendor_tax_code": HONG_HA,
        "slug": "hop-dong-dien-tu-hong-ha",
        "name": "Hợp đồng điện tử Hồng Hà",
        "tagline": "Ký hợp đồng điện tử đơn giản, giá phải chăng cho doanh nghiệp nhỏ, tích hợp hóa đơn và kế toán Hồng Hà.",
        "description": (
            "Hợp đồng điện tử Hồng Hà hướng đến doanh nghiệp nhỏ mới làm quen với ký kết trực tuyến. Giao diện tối giản: tải lên tệp PDF, chọn vị trí ký và gửi cho đối tác qua email.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Ký bằng chữ ký số USB token của doanh nghiệp\n"
            "- Đối tác cá nhân xác nhận bằng mã OTP gửi qua SMS\n"
            "- Mẫu hợp đồng mua bán, dịch vụ có sẵn\n"
            "- Lập hóa đơn điện tử Hồng Hà ngay từ hợp đồng đã ký\n"
            "\n"
            "Hợp đồng được lưu trữ 10 năm và có giá trị pháp lý theo Luật Giao dịch điện tử 2023. Chưa hỗ trợ chữ ký số từ xa và API. Hồng Hà hỗ trợ trong giờ hành chính, đào tạo trực tuyến miễn phí cho người dùng mới."
        ),
        "category": "hop-dong-dien-tu",
        "deployment": "cloud",
        "website": "https://honghasoft.vn/hop-dong",
        "features": {
            "ca_signature": "yes",
            "remote_signing": "no",
            "ekyc_signing": "no",
            "templates": "yes",
            "api": "no",
            "contracts_included": "100 hợp đồng/năm",
        },
        "extras": [("Thời gian lưu trữ", "10 năm")],
        "plans": [
            {
                "name": "Tiết kiệm",
                "price_vnd": 800000,
                "period": "year",
                "trial_days": 0,
                "limits": "100 hợp đồng/năm",
            },
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 1800000,
                "period": "year",
                "trial_days": 0,
                "limits": "500 hợp đồng/năm",
            },
        ],
        "status": "published",
        "published_days_ago": 15,
    },
    {
        "vendor_tax_code": THANH_DONG,
        "slug": "thanh-dong-smartsign",
        "name": "Thành Đông SmartSign",
        "tagline": "Chữ ký số từ xa trên điện thoại kèm ký hợp đồng điện tử, khóa ký được bảo vệ trong thiết bị HSM.",
        "description": (
            "Thành Đông SmartSign giúp giám đốc, kế toán trưởng ký tờ khai thuế, hóa đơn và hợp đồng ngay trên điện thoại mà không cần mang theo USB token. Chứng thư số do tổ chức cung cấp dịch vụ chứng thực chữ ký số được cấp phép phát hành; khóa ký lưu trong thiết bị HSM và mỗi lần ký đều phải xác nhận bằng sinh trắc học.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Chữ ký số từ xa dùng cho kê khai thuế, hóa đơn điện tử, bảo hiểm xã hội\n"
            "- Ký hợp đồng điện tử với đối tác ngay trong ứng dụng\n"
            "- Xác nhận ký bằng vân tay hoặc khuôn mặt trên điện thoại\n"
            "- Quản lý, thu hồi quyền ký của nhân viên tập trung\n"
            "\n"
            "Phù hợp chủ doanh nghiệp thường xuyên đi công tác. Hồ sơ đăng ký được tiếp nhận tại văn phòng Nam Sách hoặc định danh trực tuyến qua căn cước gắn chip; hỗ trợ 24/7."
        ),
        "category": "hop-dong-dien-tu",
        "deployment": "cloud",
        "website": "https://thanhdongsec.vn/smartsign",
        "features": {
            "ca_signature": "yes",
            "remote_signing": "yes",
            "ekyc_signing": "yes",
            "templates": "no",
            "api": "no",
            "contracts_included": "50 hợp đồng/năm",
        },
        "extras": [("Xác nhận ký bằng sinh trắc học", "Có")],
        "plans": [
            {
                "name": "1 năm",
                "price_vnd": 1200000,
                "period": "year",
                "trial_days": 7,
                "limits": "1 chứng thư số từ xa, 50 hợp đồng/năm",
            },
            {
                "name": "3 năm",
                "price_vnd": 2900000,
                "period": "once",
                "trial_days": 0,
                "limits": "1 chứng thư số từ xa hiệu lực 3 năm, 150 hợp đồng",
            },
        ],
        "status": "published",
        "published_days_ago": 30,
    },
    # ---------------------------------------------------------- iot-nong-nghiep
    {
        "vendor_tax_code": AGRI_THANH_HA,
        "slug": "vuon-vai-thong-minh",
        "name": "Vườn Vải Thông Minh",
        "tagline": "Cảm biến độ ẩm đất, trạm thời tiết và tưới nhỏ giọt tự động cho vườn vải thiều Thanh Hà.",
        "description": (
            "Vườn Vải Thông Minh ra đời từ chính các vườn vải thiều ở Thanh Hà. Bộ thiết bị gồm trạm thời tiết mini, cảm biến độ ẩm đất và bộ điều khiển van tưới, giúp nhà vườn tưới đúng lúc, đúng lượng trong giai đoạn ra hoa, đậu quả.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Đo nhiệt độ, độ ẩm không khí, lượng mưa, độ ẩm và độ mặn của đất\n"
            "- Tưới nhỏ giọt tự động theo ngưỡng độ ẩm hoặc theo lịch\n"
            "- Cảnh báo rét đậm, nắng nóng, mưa lớn qua ứng dụng và Zalo\n"
            "- Bộ điều khiển vẫn tưới theo lịch khi mất sóng điện thoại\n"
            "\n"
            "Phù hợp nhà vườn, hợp tác xã trồng vải, nhãn, ổi tại Thanh Hà, Kinh Môn và Chí Linh. Kỹ thuật viên lắp đặt tận vườn, bảo hành thiết bị 24 tháng."
        ),
        "category": "iot-nong-nghiep",
        "deployment": "hybrid",
        "website": "https://agrithanhha.vn/vuon-vai",
        "features": {
            "sensors": "Độ ẩm đất, độ mặn, thời tiết",
            "auto_irrigation": "yes",
            "weather_alerts": "yes",
            "traceability": "no",
            "mobile_app": "yes",
            "offline_mode": "yes",
        },
        "extras": [("Bảo hành thiết bị", "24 tháng")],
        "plans": [
            {
                "name": "Vườn nhỏ",
                "price_vnd": 6500000,
                "period": "once",
                "trial_days": 0,
                "limits": "1 trạm cảm biến, 2 van tưới, vườn dưới 1 ha",
            },
            {
                "name": "Vườn lớn",
                "price_vnd": 14000000,
                "period": "once",
                "trial_days": 0,
                "limits": "3 trạm cảm biến, 6 van tưới, vườn đến 3 ha",
            },
            {
                "name": "Dịch vụ dữ liệu",
                "price_vnd": 600000,
                "period": "year",
                "trial_days": 0,
                "limits": "Ứng dụng di động, cảnh báo thời tiết, lưu dữ liệu 3 năm",
            },
        ],
        "status": "published",
        "published_days_ago": 180,
    },
    {
        "vendor_tax_code": AGRI_THANH_HA,
        "slug": "thanh-ha-trace",
        "name": "Thanh Hà Trace",
        "tagline": "Truy xuất nguồn gốc nông sản bằng mã QR, gắn mã số vùng trồng và nhật ký canh tác, hỗ trợ xuất khẩu.",
        "description": (
            "Thanh Hà Trace giúp hợp tác xã và doanh nghiệp nông nghiệp chứng minh nguồn gốc sản phẩm với người mua, siêu thị và đối tác xuất khẩu. Mỗi lô hàng có một mã QR dẫn tới thông tin vùng trồng, quy trình chăm sóc và kết quả kiểm nghiệm.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Quản lý mã số vùng trồng, mã số cơ sở đóng gói\n"
            "- Nhật ký canh tác điện tử: bón phân, phun thuốc, thu hoạch\n"
            "- In tem QR cho từng thùng, từng lô hàng\n"
            "- Trang thông tin sản phẩm cho người tiêu dùng, có bản tiếng Anh\n"
            "- Nhập liệu trên điện thoại không cần mạng, tự đồng bộ khi có sóng\n"
            "\n"
            "Phù hợp sản phẩm OCOP, vải thiều Thanh Hà, cà rốt Cẩm Giàng, hành tỏi Kinh Môn và các nông sản chủ lực khác của Hải Dương. Nhân viên hỗ trợ trực tiếp tại hợp tác xã trong mùa thu hoạch."
        ),
        "category": "iot-nong-nghiep",
        "deployment": "cloud",
        "website": "https://agrithanhha.vn/trace",
        "features": {
            "sensors": "Không kèm cảm biến",
            "auto_irrigation": "no",
            "weather_alerts": "no",
            "traceability": "yes",
            "mobile_app": "yes",
            "offline_mode": "yes",
        },
        "extras": [("Trang sản phẩm tiếng Anh", "Có")],
        "plans": [
            {
                "name": "Hợp tác xã",
                "price_vnd": 1800000,
                "period": "year",
                "trial_days": 30,
                "limits": "1 vùng trồng, 5.000 tem QR/năm",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 4800000,
                "period": "year",
                "trial_days": 30,
                "limits": "10 vùng trồng, 50.000 tem QR/năm, trang tiếng Anh",
            },
        ],
        "status": "published",
        "published_days_ago": 95,
    },
    {
        "vendor_tax_code": AGRI_THANH_HA,
        "slug": "nha-mang-thong-minh-agrith",
        "name": "Nhà màng Thông minh AgriTH",
        "tagline": "Điều khiển tự động quạt, lưới cắt nắng, phun sương và tưới dinh dưỡng cho nhà màng trồng rau, dưa lưới.",
        "description": (
            "Nhà màng Thông minh AgriTH tự động hóa vi khí hậu trong nhà màng, nhà lưới: khi nhiệt độ tăng, hệ thống kéo lưới cắt nắng, bật quạt và phun sương; khi cây cần dinh dưỡng, bộ châm phân tự pha theo công thức.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Cảm biến nhiệt độ, độ ẩm, ánh sáng, CO2, pH và EC dung dịch\n"
            "- Tưới và châm phân tự động theo công thức từng loại cây\n"
            "- Tủ điều khiển chạy độc lập khi mất Internet\n"
            "- Theo dõi, điều khiển từ xa qua ứng dụng di động\n"
            "- Gọi điện cảnh báo khi mất điện hoặc nhiệt độ vượt ngưỡng\n"
            "\n"
            "Phù hợp trang trại dưa lưới, rau thủy canh, hoa tại Gia Lộc, Cẩm Giàng, Tứ Kỳ. AgriTH khảo sát, thiết kế miễn phí và bảo trì định kỳ mỗi quý."
        ),
        "category": "iot-nong-nghiep",
        "deployment": "hybrid",
        "website": "https://agrithanhha.vn/nha-mang",
        "features": {
            "sensors": "Nhiệt, ẩm, ánh sáng, CO2, pH, EC",
            "auto_irrigation": "yes",
            "weather_alerts": "no",
            "traceability": "no",
            "mobile_app": "yes",
            "offline_mode": "yes",
        },
        "extras": [("Bảo trì định kỳ", "Mỗi quý")],
        "plans": [
            {
                "name": "Nhà màng 1.000 m²",
                "price_vnd": 35000000,
                "period": "once",
                "trial_days": 0,
                "limits": "Tủ điều khiển, bộ cảm biến và bộ châm phân cho 1.000 m²",
            },
            {
                "name": "Bảo trì và dữ liệu",
                "price_vnd": 2400000,
                "period": "year",
                "trial_days": 0,
                "limits": "Bảo trì hằng quý, ứng dụng di động, lưu trữ dữ liệu",
            },
        ],
        "status": "published",
        "published_days_ago": 270,
    },
    {
        "vendor_tax_code": AGRI_THANH_HA,
        "slug": "ao-ca-thong-minh-agrith",
        "name": "Ao cá Thông minh AgriTH",
        "tagline": "Đo oxy hòa tan, nhiệt độ nước và tự bật máy sục khí cho ao nuôi cá, giảm rủi ro cá chết ngạt.",
        "description": (
            "Cá chết ngạt vì thiếu oxy lúc nửa đêm là nỗi lo thường trực của các hộ nuôi cá ở Ninh Giang, Thanh Miện. Ao cá Thông minh AgriTH đo oxy hòa tan liên tục và tự bật máy sục khí khi chỉ số xuống thấp.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Cảm biến oxy hòa tan, nhiệt độ, pH đặt nổi trong ao\n"
            "- Tự động bật, tắt máy sục khí theo ngưỡng oxy\n"
            "- Gọi điện cảnh báo chủ ao khi oxy giảm đột ngột hoặc mất điện\n"
            "- Cảnh báo thời tiết nồm, mưa giông ảnh hưởng đến ao nuôi\n"
            "\n"
            "Phù hợp hộ nuôi cá rô đồng, cá chép, cá trắm với diện tích mặt nước từ 2.000 m². Kỹ thuật viên lắp đặt tận ao trong một ngày, bảo hành 12 tháng."
        ),
        "category": "iot-nong-nghiep",
        "deployment": "hybrid",
        "website": "https://agrithanhha.vn/ao-ca",
        "features": {
            "sensors": "Oxy hòa tan, nhiệt độ, pH",
            "auto_irrigation": "no",
            "weather_alerts": "yes",
            "traceability": "no",
            "mobile_app": "yes",
            "offline_mode": "yes",
        },
        "extras": [("Tự động bật máy sục khí", "Có")],
        "plans": [
            {
                "name": "Bộ 1 ao",
                "price_vnd": 9500000,
                "period": "once",
                "trial_days": 0,
                "limits": "1 trạm đo, điều khiển 2 máy sục khí",
            },
            {
                "name": "Dịch vụ cảnh báo",
                "price_vnd": 480000,
                "period": "year",
                "trial_days": 30,
                "limits": "Cuộc gọi và tin nhắn cảnh báo không giới hạn",
            },
        ],
        "status": "pending",
        "published_days_ago": None,
    },
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-tuoi-tieu-iot",
        "name": "SaoKhuê Tưới tiêu IoT",
        "tagline": "Bộ điều khiển tưới tự động qua điện thoại cho vườn rau, cây ăn quả quy mô hộ gia đình.",
        "description": (
            "SaoKhuê Tưới tiêu IoT là bộ điều khiển tưới giá rẻ dùng kết nối 4G, lắp được cho máy bơm và van điện sẵn có của hộ gia đình. Sản phẩm đang được thử nghiệm tại một số vườn rau ở Gia Lộc và Tứ Kỳ trước khi ra mắt chính thức.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Hẹn giờ tưới hoặc tưới theo độ ẩm đất\n"
            "- Bật, tắt máy bơm từ xa qua ứng dụng\n"
            "- Tạm dừng lịch tưới khi dự báo có mưa\n"
            "- Hoạt động bằng sim 4G, không cần Wi-Fi\n"
            "\n"
            "Dành cho hộ trồng rau màu, cây ăn quả dưới 5.000 m². Sao Khuê dự kiến lắp đặt tại nhà, hướng dẫn sử dụng trực tiếp và bảo hành 12 tháng."
        ),
        "category": "iot-nong-nghiep",
        "deployment": "cloud",
        "website": None,
        "features": {
            "sensors": "Độ ẩm đất",
            "auto_irrigation": "yes",
            "weather_alerts": "yes",
            "traceability": "no",
            "mobile_app": "yes",
            "offline_mode": "no",
        },
        "extras": [],
        "plans": [
            {
                "name": "Bộ cơ bản",
                "price_vnd": 2900000,
                "period": "once",
                "trial_days": 0,
                "limits": "1 bộ điều khiển, 1 cảm biến độ ẩm, sim 4G 12 tháng",
            },
        ],
        "status": "draft",
        "published_days_ago": None,
    },
    # ------------------------------------------------------- thuong-mai-dien-tu
    {
        "vendor_tax_code": CON_SON,
        "slug": "con-son-web-ban-hang",
        "name": "Côn Sơn Web Bán hàng",
        "tagline": "Tạo website bán hàng chuẩn SEO trong 15 phút, tích hợp thanh toán VietQR và giao hàng toàn quốc.",
        "description": (
            "Côn Sơn Web Bán hàng giúp cửa hàng có website riêng mà không cần biết lập trình: chọn giao diện, đăng sản phẩm, kết nối thanh toán và đơn vị vận chuyển là có thể bán ngay.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Hơn 50 giao diện cho thời trang, mỹ phẩm, đặc sản, nội thất\n"
            "- Thanh toán VietQR, ví điện tử, thẻ nội địa và quốc tế\n"
            "- Kết nối các hãng vận chuyển phổ biến, tự tính phí giao hàng\n"
            "- Đồng bộ sản phẩm, tồn kho với Côn Sơn POS và các sàn thương mại điện tử\n"
            "- Công cụ SEO: tùy chỉnh tiêu đề, mô tả, sơ đồ trang, tốc độ tải nhanh\n"
            "\n"
            "Phù hợp hộ kinh doanh, shop online và cơ sở sản xuất muốn bán trực tiếp cho người tiêu dùng. Tặng tên miền .vn năm đầu, hỗ trợ thủ tục thông báo website thương mại điện tử với Bộ Công Thương; hỗ trợ 7 ngày trong tuần."
        ),
        "category": "thuong-mai-dien-tu",
        "deployment": "cloud",
        "website": "https://consonsoft.vn/web-ban-hang",
        "features": {
            "storefront": "yes",
            "payment_gateway": "yes",
            "shipping": "yes",
            "marketplace_sync": "yes",
            "seo": "yes",
            "products_max": "Không giới hạn",
        },
        "extras": [("Tên miền .vn", "Miễn phí năm đầu")],
        "plans": [
            {
                "name": "Cơ bản",
                "price_vnd": 150000,
                "period": "month",
                "trial_days": 14,
                "limits": "500 sản phẩm, 1 tên miền",
            },
            {
                "name": "Nâng cao",
                "price_vnd": 350000,
                "period": "month",
                "trial_days": 14,
                "limits": "Không giới hạn sản phẩm, đồng bộ sàn thương mại điện tử",
            },
        ],
        "status": "published",
        "published_days_ago": 40,
    },
    {
        "vendor_tax_code": AGRI_THANH_HA,
        "slug": "cho-nong-san-thanh-ha-online",
        "name": "Chợ Nông sản Thanh Hà Online",
        "tagline": "Gian hàng trực tuyến cho hợp tác xã và nhà vườn, đưa vải thiều, nông sản OCOP đến người tiêu dùng cả nước.",
        "description": (
            "Chợ Nông sản Thanh Hà Online cung cấp gian hàng dựng sẵn cho hợp tác xã và nhà vườn không có thời gian tự làm website. Mỗi gian hàng có địa chỉ riêng, trang sản phẩm gắn mã QR truy xuất nguồn gốc từ Thanh Hà Trace.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Gian hàng dựng sẵn với mẫu trang cho nông sản theo mùa\n"
            "- Nhận đặt hàng trước theo mùa vụ, thanh toán chuyển khoản VietQR\n"
            "- Đóng gói, giao hàng lạnh qua đối tác vận chuyển\n"
            "- Hiển thị mã QR truy xuất nguồn gốc trên từng sản phẩm\n"
            "\n"
            "Phù hợp hợp tác xã và chủ thể OCOP tại Hải Dương. Trong mùa vải, nhóm hỗ trợ của AgriTH chụp ảnh sản phẩm và viết mô tả gian hàng miễn phí."
        ),
        "category": "thuong-mai-dien-tu",
        "deployment": "cloud",
        "website": "https://agrithanhha.vn/cho-nong-san",
        "features": {
            "storefront": "yes",
            "payment_gateway": "yes",
            "shipping": "yes",
            "marketplace_sync": "no",
            "seo": "no",
            "products_max": "100 sản phẩm",
        },
        "extras": [("Giao hàng lạnh", "Qua đối tác vận chuyển")],
        "plans": [
            {
                "name": "Nhà vườn",
                "price_vnd": 0,
                "period": "month",
                "trial_days": 0,
                "limits": "20 sản phẩm, phí 3% trên mỗi đơn hàng",
            },
            {
                "name": "Hợp tác xã",
                "price_vnd": 250000,
                "period": "month",
                "trial_days": 30,
                "limits": "100 sản phẩm, không thu phí trên đơn hàng",
            },
        ],
        "status": "published",
        "published_days_ago": 5,
    },
    {
        "vendor_tax_code": SAO_KHUE,
        "slug": "saokhue-shop",
        "name": "SaoKhuê Shop",
        "tagline": "Website thương mại điện tử cho doanh nghiệp vừa: bán lẻ, bán buôn, liên thông kế toán và hóa đơn điện tử.",
        "description": (
            "SaoKhuê Shop dành cho doanh nghiệp muốn mở kênh bán hàng trực tuyến bài bản, gắn liền với hệ thống quản trị nội bộ. Đơn hàng trên website tự động sinh chứng từ trong Kế toán SaoKhuê Cloud và hóa đơn trong SaoKhuê eInvoice.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Giá bán lẻ, bán buôn theo nhóm khách hàng và đại lý\n"
            "- Cổng thanh toán thẻ, ví điện tử, trả góp\n"
            "- Kết nối đơn vị vận chuyển, in vận đơn hàng loạt\n"
            "- Đồng bộ đơn hàng từ Shopee, Lazada, TikTok Shop\n"
            "- Tối ưu SEO, trang khuyến mãi, mã giảm giá\n"
            "\n"
            "Phù hợp doanh nghiệp sản xuất, phân phối có danh mục từ vài trăm đến hàng nghìn sản phẩm. Sao Khuê hỗ trợ thông báo website thương mại điện tử với Bộ Công Thương và trực kỹ thuật 24/7."
        ),
        "category": "thuong-mai-dien-tu",
        "deployment": "cloud",
        "website": "https://saokhuetech.vn/shop",
        "features": {
            "storefront": "yes",
            "payment_gateway": "yes",
            "shipping": "yes",
            "marketplace_sync": "yes",
            "seo": "yes",
            "products_max": "10.000 sản phẩm",
        },
        "extras": [("Giá bán buôn theo đại lý", "Có")],
        "plans": [
            {
                "name": "Tiêu chuẩn",
                "price_vnd": 490000,
                "period": "month",
                "trial_days": 14,
                "limits": "2.000 sản phẩm, 3 quản trị viên",
            },
            {
                "name": "Doanh nghiệp",
                "price_vnd": 1290000,
                "period": "month",
                "trial_days": 14,
                "limits": "10.000 sản phẩm, bán buôn cho đại lý, API",
            },
        ],
        "status": "published",
        "published_days_ago": 155,
    },
    {
        "vendor_tax_code": CON_SON,
        "slug": "con-son-live-ban-hang",
        "name": "Côn Sơn Live Bán hàng",
        "tagline": "Chốt đơn livestream Facebook, TikTok tự động: đọc bình luận, tạo đơn và gửi mã thanh toán trong vài giây.",
        "description": (
            "Bán hàng qua livestream đang là kênh tăng trưởng nhanh nhất của các shop thời trang, mỹ phẩm và đặc sản. Côn Sơn Live Bán hàng đọc bình luận chứa mã sản phẩm, tự tạo đơn và nhắn tin xác nhận cho khách ngay trong phiên live.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Tự động chốt đơn từ bình luận livestream trên Facebook, TikTok\n"
            "- Gửi tin nhắn xác nhận kèm mã VietQR để khách chuyển khoản\n"
            "- Kết nối đơn vị vận chuyển, in vận đơn ngay sau phiên live\n"
            "- Cảnh báo khách hay hủy đơn dựa trên lịch sử mua hàng\n"
            "\n"
            "Phù hợp shop online và hộ kinh doanh bán qua mạng xã hội. Sản phẩm không gồm website riêng, có thể dùng kèm Côn Sơn Web Bán hàng. Nhân viên hỗ trợ trực tiếp trong khung giờ livestream buổi tối."
        ),
        "category": "thuong-mai-dien-tu",
        "deployment": "cloud",
        "website": "https://consonsoft.vn/live",
        "features": {
            "storefront": "no",
            "payment_gateway": "yes",
            "shipping": "yes",
            "marketplace_sync": "yes",
            "seo": "no",
            "products_max": "1.000 sản phẩm",
        },
        "extras": [("Chốt đơn từ bình luận", "Tự động")],
        "plans": [
            {
                "name": "Shop nhỏ",
                "price_vnd": 129000,
                "period": "month",
                "trial_days": 7,
                "limits": "1 trang, 300 đơn/tháng",
            },
            {
                "name": "Shop lớn",
                "price_vnd": 399000,
                "period": "month",
                "trial_days": 7,
                "limits": "5 trang, không giới hạn đơn",
            },
        ],
        "status": "published",
        "published_days_ago": 18,
    },
    # ------------------------------------------------------- draft (ke-toan)
    {
        "vendor_tax_code": HONG_HA,
        "slug": "hong-ha-ke-toan-hop-tac-xa",
        "name": "Hồng Hà Kế toán Hợp tác xã",
        "tagline": "Kế toán cho hợp tác xã nông nghiệp: theo dõi vốn góp thành viên, dịch vụ đầu vào và phân phối thu nhập.",
        "description": (
            "Hồng Hà Kế toán Hợp tác xã được xây dựng cho các hợp tác xã nông nghiệp, dịch vụ điện nước tại Hải Dương, nơi kế toán thường kiêm nhiệm nhiều việc và cần biểu mẫu riêng theo chế độ kế toán dành cho hợp tác xã.\n"
            "\n"
            "## Tính năng nổi bật\n"
            "\n"
            "- Theo dõi vốn góp và tài khoản của từng thành viên\n"
            "- Quản lý dịch vụ cung ứng giống, phân bón, thủy lợi cho thành viên\n"
            "- Phân phối thu nhập, trích lập các quỹ cuối năm\n"
            "- Báo cáo tài chính và báo cáo gửi cơ quan quản lý\n"
            "\n"
            "Sản phẩm đang được hoàn thiện, dự kiến ra mắt trước vụ chiêm xuân. Hồng Hà sẽ đào tạo tại chỗ miễn phí cho kế toán các hợp tác xã đăng ký sớm."
        ),
        "category": "ke-toan",
        "deployment": "cloud",
        "website": None,
        "features": {
            "tt133": "no",
            "tt200": "no",
            "e_invoice_link": "yes",
            "bank_link": "no",
            "tax_filing": "yes",
            "inventory": "yes",
            "mobile_app": "no",
            "users_included": "2 người dùng",
        },
        "extras": [],
        "plans": [
            {
                "name": "Hợp tác xã",
                "price_vnd": 1500000,
                "period": "year",
                "trial_days": 30,
                "limits": "2 người dùng, 1 hợp tác xã",
            },
        ],
        "status": "draft",
        "published_days_ago": None,
    },
]


REVISIONS = [
    {
        "slug": "saokhue-einvoice",
        "changes": {
            "tagline": "Hóa đơn điện tử có mã và hóa đơn từ máy tính tiền trên một nền tảng, đúng Nghị định 123/2020/NĐ-CP.",
            "description": (
                "SaoKhuê eInvoice giúp doanh nghiệp và hộ kinh doanh lập, ký số và gửi hóa đơn chỉ trong vài thao tác, đáp ứng Nghị định 123/2020/NĐ-CP và Thông tư 78/2021/TT-BTC.\n"
                "\n"
                "## Tính năng nổi bật\n"
                "\n"
                "- Lập hóa đơn hàng loạt từ tệp Excel hoặc qua API\n"
                "- Ký số bằng USB token hoặc chữ ký số từ xa\n"
                "- Gửi hóa đơn qua email, SMS và Zalo\n"
                "- Lưu trữ hóa đơn 10 năm, sẵn sàng khi cơ quan thuế kiểm tra\n"
                "\n"
                "## Mới: hóa đơn khởi tạo từ máy tính tiền\n"
                "\n"
                "- Xuất hóa đơn ngay tại quầy từ máy bán hàng hoặc điện thoại, không cần ký số từng hóa đơn\n"
                "- In hóa đơn kèm mã QR trên máy in nhiệt, dữ liệu tự chuyển đến cơ quan thuế trong ngày\n"
                "- Kết nối sẵn với SaoKhuê POS Quán ăn\n"
                "\n"
                "Sao Khuê hỗ trợ thủ tục đăng ký sử dụng hóa đơn điện tử, thiết kế mẫu hóa đơn có logo miễn phí và trực tổng đài 24/7."
            ),
            "plans": [
                {
                    "name": "Khởi đầu",
                    "price_vnd": 390000,
                    "period": "once",
                    "trial_days": 14,
                    "limits": "300 hóa đơn, dùng đến khi hết số",
                },
                {
                    "name": "Tiêu chuẩn",
                    "price_vnd": 890000,
                    "period": "once",
                    "trial_days": 0,
                    "limits": "1.000 hóa đơn, dùng đến khi hết số",
                },
                {
                    "name": "Chuyên nghiệp",
                    "price_vnd": 2200000,
                    "period": "once",
                    "trial_days": 0,
                    "limits": "3.000 hóa đơn, kết nối API",
                },
                {
                    "name": "Máy tính tiền",
                    "price_vnd": 600000,
                    "period": "year",
                    "trial_days": 30,
                    "limits": "1 điểm bán, không giới hạn hóa đơn khởi tạo từ máy tính tiền",
                },
            ],
        },
    },
]
