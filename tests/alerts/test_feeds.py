"""CAP 1.2 documents valid against the OASIS schema and the rules it cannot express; Atom feeds
that feedparser reads without complaint."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree

from app.extensions import db

XSD = Path(__file__).resolve().parents[3] / "shared" / "cap" / "CAP-v1.2.xsd"
NS = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture(scope="module")
def schema():
    path = XSD if XSD.exists() else Path("/work/shared/cap/CAP-v1.2.xsd")
    return etree.XMLSchema(etree.parse(str(path)))


def _valid(schema, body: bytes):
    from app.alerts.cap import rule_problems

    doc = etree.fromstring(body)
    assert schema.validate(doc), schema.error_log
    assert rule_problems(body) == []
    return doc


@pytest.mark.parametrize("severity,cap_severity", [("info", "Minor"), ("warning", "Moderate"),
                                                    ("severe", "Severe")])
@pytest.mark.parametrize("area", ["city", "wards"])
def test_cap_valid_for_every_severity_and_area(app, client, schema, make_alert, severity, cap_severity, area):
    from app.places import services as places

    with app.app_context():
        wards = (places.ward_by_codename("phuong_hoan_kiem"), places.ward_by_codename("phuong_cua_nam"))
        codes = sorted(f"{w.id:05d}" for w in wards)
        ward_ids = tuple(w.id for w in wards)
    alert_id = make_alert(severity=severity, city_wide=area == "city", ward_ids=() if area == "city" else ward_ids)
    response = client.get(f"/alerts/{alert_id}.cap.xml")
    assert response.status_code == 200 and response.mimetype == "application/cap+xml"
    doc = _valid(schema, response.data)
    infos = doc.xpath("c:info", namespaces=NS)
    assert [i.findtext("c:language", namespaces=NS) for i in infos] == ["vi-VN", "en-US"]
    assert {i.findtext("c:severity", namespaces=NS) for i in infos} == {cap_severity}
    assert infos[0].findtext("c:event", namespaces=NS) == "Thủ đoạn lừa đảo"
    assert infos[1].findtext("c:event", namespaces=NS) == "Scams and fraud methods"
    assert infos[1].findtext("c:headline", namespaces=NS) == "Fake police calls asking for money"
    assert doc.findtext("c:sent", namespaces=NS).endswith("+07:00")
    for info in infos:
        areas = info.xpath("c:area", namespaces=NS)
        if area == "city":
            assert [a.findtext("c:geocode/c:value", namespaces=NS) for a in areas] == ["01"]
        else:
            assert sorted(a.findtext("c:geocode/c:value", namespaces=NS) for a in areas) == codes
            assert all(a.findtext("c:areaDesc", namespaces=NS) for a in areas)


def test_cap_update_and_cancel_reference_earlier_messages(app, client, schema, make_alert, police, alert_data):
    from app.alerts import cap, services
    from app.alerts.models import Alert
    from app.auth.models import User

    alert_id = make_alert()
    with app.app_context():
        officer = db.session.get(User, police)
        original = db.session.get(Alert, alert_id)
        updated = services.update(original, officer, alert_data(severity="severe"), "Nghiêm trọng hơn")
        cancel = services.withdraw(updated, officer, "Đã xử lý xong")
        db.session.commit()
        ids = (updated.id, cancel.id)
    with app.test_request_context():
        first_ref = cap.reference(db.session.get(Alert, alert_id))
    update_doc = _valid(schema, client.get(f"/alerts/{ids[0]}.cap.xml").data)
    assert update_doc.findtext("c:msgType", namespaces=NS) == "Update"
    assert update_doc.findtext("c:references", namespaces=NS) == first_ref
    cancel_doc = _valid(schema, client.get(f"/alerts/{ids[1]}.cap.xml").data)
    assert cancel_doc.findtext("c:msgType", namespaces=NS) == "Cancel"
    assert len(cancel_doc.findtext("c:references", namespaces=NS).split()) == 2


def test_rule_checker_catches_what_the_schema_allows(schema):
    from app.alerts.cap import rule_problems

    bad = b"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a b</identifier><sender>s</sender>
<sent>2026-11-29T10:00:00+07:00</sent><status>Actual</status><msgType>Update</msgType><scope>Public</scope>
<info><language>vi-VN</language><category>Met</category><event>e</event><urgency>Expected</urgency>
<severity>Minor</severity><certainty>Likely</certainty><effective>2026-11-29T10:00:00+07:00</effective>
<expires>2026-11-29T09:00:00+07:00</expires>
<area><areaDesc>x</areaDesc><polygon>21.0,105.8 21.1,105.8 21.1,105.9</polygon></area></info></alert>"""
    assert schema.validate(etree.fromstring(bad))
    problems = rule_problems(bad)
    assert any("identifier" in p for p in problems)
    assert any("expires is not after effective" in p for p in problems)
    assert any("reference" in p for p in problems)
    assert any("polygon" in p for p in problems)
    # A Vietnamese block alone is fine (English only when written); an English block alone is not.
    assert not any("Vietnamese" in p for p in problems)
    assert any("Vietnamese" in p for p in rule_problems(bad.replace(b"vi-VN", b"en-US")))
    # The schema demands the offset too; the checker says so on its own as well.
    assert any("time-zone" in p for p in rule_problems(bad.replace(b"10:00:00+07:00</eff", b"10:00:00</eff")))


def test_drafts_have_no_cap_document(client, make_alert):
    assert client.get(f"/alerts/{make_alert(publish=False)}.cap.xml").status_code == 404


@pytest.mark.parametrize("path", ["/alerts.atom", "/alerts/kind/scam.atom", "/alerts/cap.atom"])
def test_atom_feeds_parse_without_bozo(client, make_alert, path):
    scam = make_alert(title="Lừa đảo & <giả danh>")
    traffic = make_alert(kind="traffic", title="Cấm đường")
    make_alert(publish=False, title="Bản nháp")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [e.title for e in feed.entries]
    assert "Lừa đảo & <giả danh>" in titles and "Bản nháp" not in titles
    assert ("Cấm đường" in titles) == (path != "/alerts/kind/scam.atom")
    if path == "/alerts/cap.atom":
        links = [link.href for e in feed.entries for link in e.links if link.type == "application/cap+xml"]
        assert sorted(links) == sorted(f"http://localhost/alerts/{i}.cap.xml" for i in (scam, traffic))


def test_unknown_kind_feed_is_404(client):
    assert client.get("/alerts/kind/nope.atom").status_code == 404


def test_feeds_and_documents_answer_their_404_in_xml(client, make_alert):
    alert_id = make_alert(publish=False)
    for path in ("/alerts/kind/x.atom", f"/alerts/{alert_id}.cap.xml", "/alerts/99999999999999999999.cap.xml"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/xml", path
        root = etree.fromstring(response.data)
        assert root.tag == "error" and root.get("code") == "404"


def test_cap_has_no_english_block_without_english_text_and_plain_descriptions(app, client, schema, make_alert):
    body = "Xem [link](javascript:alert(1)) và [trang](https://example.vn/a).\n\n**Không** chuyển tiền."
    alert_id = make_alert(title_en="", summary_en="", body=body)
    doc = _valid(schema, client.get(f"/alerts/{alert_id}.cap.xml").data)
    infos = doc.xpath("c:info", namespaces=NS)
    assert [i.findtext("c:language", namespaces=NS) for i in infos] == ["vi-VN"]
    description = infos[0].findtext("c:description", namespaces=NS)
    assert "Xem link và trang." in description and "Không chuyển tiền." in description
    for raw in ("javascript", "](", "**", "example.vn"):
        assert raw not in description

    english = make_alert(body=body)  # English headline and summary, no English instruction
    doc = _valid(schema, client.get(f"/alerts/{english}.cap.xml").data)
    en = doc.xpath("c:info[c:language='en-US']", namespaces=NS)[0]
    assert en.findtext("c:headline", namespaces=NS) == "Fake police calls asking for money"
    assert en.findtext("c:description", namespaces=NS) == "Scammers pose as police."
    assert en.find("c:instruction", namespaces=NS) is None
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "javascript" not in page and "](" not in page
