"""What each category is for, in a sentence: the heading of its page (/solutions?category=…).

Kept in code, translated through the catalogue like every interface string; a category
without a sentence here is shown with its name only.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DESCRIPTIONS = {
    "quan-tri-doanh-nghiep": _l(
        "Phần mềm quản trị cho doanh nghiệp và hộ kinh doanh: kế toán, hóa đơn, nhân sự, "
        "khách hàng và bán hàng."
    ),
    "ke-toan": _l(
        "Phần mềm kế toán theo Thông tư 133 và 200, kết nối hóa đơn điện tử, ngân hàng và "
        "nộp tờ khai thuế điện tử."
    ),
    "hoa-don-dien-tu": _l(
        "Hóa đơn điện tử theo Nghị định 123/2020/NĐ-CP: lập, ký số, gửi cơ quan thuế và khách hàng."
    ),
    "nhan-su-tien-luong": _l(
        "Quản lý hồ sơ nhân sự, chấm công, tính lương, bảo hiểm và quyết toán thuế thu nhập "
        "cá nhân."
    ),
    "crm": _l(
        "Quản lý khách hàng, cơ hội bán hàng và chăm sóc khách hàng qua Zalo, điện thoại, e-mail."
    ),
    "ban-hang": _l(
        "Bán hàng tại quầy và trực tuyến, quản lý kho, chi nhánh và khách hàng thân thiết."
    ),
    "ha-tang-so": _l(
        "Máy chủ và lưu trữ đám mây đặt tại Việt Nam cho website và phần mềm của bạn."
    ),
    "may-chu-dam-may": _l(
        "Máy chủ ảo (VPS, cloud server) theo tháng: chọn vCPU, RAM, ổ SSD và cam kết SLA."
    ),
    "luu-tru-dam-may": _l(
        "Lưu trữ, chia sẻ và sao lưu tệp trên đám mây, có mã hóa và lưu phiên bản."
    ),
    "an-toan-thong-tin": _l(
        "Diệt virus, tường lửa, phát hiện và phản hồi tấn công cho máy tính và mạng của "
        "doanh nghiệp."
    ),
    "hop-dong-dien-tu": _l(
        "Ký hợp đồng điện tử và chữ ký số có giá trị pháp lý, không cần in và gửi giấy."
    ),
    "iot-nong-nghiep": _l(
        "Cảm biến, tưới tự động và truy xuất nguồn gốc cho trang trại, vườn và ao nuôi."
    ),
    "thuong-mai-dien-tu": _l(
        "Website bán hàng, kết nối vận chuyển và sàn thương mại điện tử cho cửa hàng của bạn."
    ),
}


def description_of(slug: str) -> str:
    """Return the category's sentence in the current language, or ""."""
    text = DESCRIPTIONS.get(slug)
    return str(text) if text is not None else ""
