"""The procedure catalogue: browse, diacritics-insensitive search, editing with history."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.conftest import csrf_token


def test_search_ignores_diacritics_and_case(client, procedures):
    for query in ("dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh"):
        page = client.get("/procedures", query_string={"q": query}).get_data(as_text=True)
        assert "Đăng ký khai sinh" in page and "Đăng ký tạm trú" not in page
    page = client.get("/procedures", query_string={"q": "so do"}).get_data(as_text=True)
    assert "sổ đỏ" in page
    page = client.get("/procedures", query_string={"q": "khong co thu tuc nay"}).get_data(as_text=True)
    assert "Không có thủ tục nào" in page


def test_browse_by_field_and_agency(app, client, procedures):
    page = client.get("/procedures", query_string={"field": "residence"}).get_data(as_text=True)
    assert "Đăng ký tạm trú" in page and "Đăng ký khai sinh" not in page
    with app.app_context():
        from app.places.services import agency_by_code

        justice = agency_by_code("justice").id
    page = client.get("/procedures", query_string={"agency": justice}).get_data(as_text=True)
    assert "Đăng ký kết hôn" in page and "Đăng ký tạm trú" not in page
    # htmx gets only the list.
    partial = client.get("/procedures", query_string={"q": "ket hon"}, headers={"HX-Request": "true"})
    assert "<h1>" not in partial.get_data(as_text=True) and "Đăng ký kết hôn" in partial.get_data(as_text=True)


def test_a_procedure_page_in_both_languages_says_it_is_sample_content(client, procedures):
    page = client.get(f"/procedures/{procedures['birth']}").get_data(as_text=True)
    assert "Nội dung mẫu" in page and "Giấy chứng sinh" in page and "dichvucong.hanoi.gov.vn" in page
    client.set_cookie("lang", "en")
    page = client.get(f"/procedures/{procedures['birth']}").get_data(as_text=True)
    assert "Sample content" in page and "Processing time" in page
    assert client.get("/procedures/999999").status_code == 404


def _form(procedure, **changes):
    data = {name: getattr(procedure, name) for name in (
        "name", "field", "agency_id", "level", "summary", "documents", "fees", "processing_days", "steps",
        "legal_basis", "portal_url")}
    data["active"] = "y"
    data.update(changes)
    return data


def test_agency_officials_edit_their_own_procedures_with_history_and_audit(app, client, procedures, make_user, login):
    from app.audit.models import AuditEntry
    from app.procedures.models import Procedure

    justice = make_user(role="agency_official", agency="justice")
    police = make_user(role="agency_official", agency="police")
    citizen = make_user(level=2)
    birth = procedures["birth"]
    assert client.get(f"/procedures/{birth}/edit").status_code == 302  # visitor: log in
    login(client, citizen)
    assert client.get(f"/procedures/{birth}/edit").status_code == 403
    assert client.get(f"/procedures/{birth}/history").status_code == 403
    assert client.get("/procedures/new").status_code == 403
    login(client, police)
    assert client.get(f"/procedures/{birth}/edit").status_code == 403
    assert client.get(f"/procedures/{procedures['temporary-residence']}/edit").status_code == 200

    login(client, justice)
    token = csrf_token(client, f"/procedures/{birth}/edit")
    with app.app_context():
        procedure = db.session.get(Procedure, birth)
        data = _form(procedure, fees="Miễn lệ phí", processing_days=2, csrf_token=token)
    response = client.post(f"/procedures/{birth}/edit", data=data)
    assert response.status_code == 303
    # An agency official cannot move a procedure to an agency they do not manage.
    with app.app_context():
        from app.places.services import agency_by_code

        data["agency_id"] = agency_by_code("police").id
    assert client.post(f"/procedures/{birth}/edit", data=data).status_code in (200, 422)
    with app.app_context():
        procedure = db.session.get(Procedure, birth)
        assert (procedure.fees, procedure.processing_days) == ("Miễn lệ phí", 2)
        assert procedure.agency.code == "justice"
        assert [r.changed for r in procedure.revisions][0] == ["fees", "processing_days"]
        assert len(procedure.revisions) == 2  # created, then edited
        actions = db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "procedures", AuditEntry.object_id == str(birth))).all()
        assert "procedure.updated" in actions
    history = client.get(f"/procedures/{birth}/history").get_data(as_text=True)
    assert "processing_days" in history


def test_city_admins_edit_every_procedure_and_add_new_ones(app, client, procedures, make_user, login):
    from app.procedures.models import Procedure

    admin = make_user(role="city_admin")
    login(client, admin)
    assert client.get(f"/procedures/{procedures['temporary-residence']}/edit").status_code == 200
    token = csrf_token(client, "/procedures/new")
    with app.app_context():
        procedure = db.session.get(Procedure, procedures["birth"])
        data = _form(procedure, name="Đăng ký nuôi con nuôi", csrf_token=token)
    response = client.post("/procedures/new", data=data)
    assert response.status_code == 303
    assert "nuôi con nuôi" in client.get("/procedures?q=nuoi+con+nuoi").get_data(as_text=True)


def test_ids_past_any_database_id_are_ignored_not_a_500(client, procedures, login, make_user):
    assert client.get("/procedures", query_string={"agency": "99999999999999999999"}).status_code == 200
    login(client, make_user())
    response = client.get("/procedures/complaints/new", query_string={"procedure": "99999999999999999999"})
    assert response.status_code in (200, 302, 303, 403)


def test_catalogue_and_complaint_list_in_vietnamese_order_and_search_ranked(app, client, login, make_user,
                                                                             procedures):
    from app.core.text import fold, search_fold, vi_sort_key
    from app.procedures import services

    with app.app_context():
        names = [p.name for p in services.catalogue(services.CatalogueFilters())]
        assert names == sorted(names, key=vi_sort_key)
        # Code-point order would put "Chứng…" before "Cấp…" and every "Đăng ký…" after "Xóa…".
        assert names != sorted(names)
        first_cap = next(i for i, n in enumerate(names) if n.startswith("Cấp"))
        assert all(not n.startswith("Ch") for n in names[:first_cap])
        assert names.index("Đăng ký khai sinh") < min(i for i, n in enumerate(names) if fold(n)[0] > "d")

        found = services.catalogue(services.CatalogueFilters(query="ket hon"))
        in_name = ["ket hon" in fold(p.name) for p in found]
        assert True in in_name and False in in_name
        assert in_name == sorted(in_name, reverse=True)

        for query in ("dang ki khai sinh", "Đăng kí khai sinh"):
            found = services.catalogue(services.CatalogueFilters(query=query))
            assert "Đăng ký khai sinh" in [p.name for p in found]
        assert search_fold("dang ki") == "dang ky"
    page = client.get("/procedures", query_string={"q": "dang ki ket hon"}).get_data(as_text=True)
    assert "Đăng ký kết hôn" in page

    login(client, make_user(level=2))
    page = client.get("/procedures/complaints/new").get_data(as_text=True)
    listed = [n for n in names if n in page]
    assert listed and sorted(listed, key=lambda n: page.index(n)) == listed
