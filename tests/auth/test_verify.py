"""Identity verification of phone accounts (level 1 → 2) with the pluggable verifier."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.auth.verifier import PROVINCE_CODES, Problem, dev_verifier
from app.extensions import db
from tests.conftest import csrf_token

TODAY = date(2026, 6, 1)
# 001 Hà Nội, 0 = man born 1900–1999, 90 = 1990.
MAN_1990 = {"cccd": "001090012345", "full_name": "Nguyễn Văn An", "birth_date": date(1990, 5, 17),
            "gender": "male"}
# 079 Hồ Chí Minh City, 3 = woman born 2000–2099, 03 = 2003.
WOMAN_2003 = {"cccd": "079303001234", "full_name": "Trần Thị Bình", "birth_date": date(2003, 1, 2),
              "gender": "female"}


def check(**changes) -> list[Problem]:
    return dev_verifier(**{**MAN_1990, **changes}, today=TODAY)


def fields(problems: list[Problem]) -> list[str | None]:
    return [p.field for p in problems]


# --- the development verifier ------------------------------------------------------------


@pytest.mark.parametrize("details", [MAN_1990, WOMAN_2003])
def test_consistent_details_pass(app, details):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert dev_verifier(**details, today=TODAY) == []


def test_gender_other_is_not_checked_against_the_number(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert check(gender="other") == []


def test_province_codes_are_the_cccd_list():
    assert len(PROVINCE_CODES) == 63
    assert {"001", "079", "096"} <= PROVINCE_CODES
    assert not {"000", "003", "005", "097", "100"} & PROVINCE_CODES


@pytest.mark.parametrize("cccd", ["00109001234", "0010900123456", "00109001234a", "", "００１０９００１２３４５"])
def test_number_must_have_12_ascii_digits(app, cccd):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        problems = check(cccd=cccd)
    assert fields(problems) == ["cccd"]
    assert "12 digits" in problems[0].message


@pytest.mark.parametrize("prefix", ["000", "003", "097", "999"])
def test_number_must_start_with_a_province_code(app, prefix):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        problems = check(cccd=prefix + MAN_1990["cccd"][3:])
    assert fields(problems) == ["cccd"]
    assert "province" in problems[0].message


def test_gender_digit_must_match(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        problems = check(gender="female")
    assert fields(problems) == ["cccd"]
    assert "gender" in problems[0].message


def test_century_digit_must_match(app):
    # 2 = man born 2000–2099, but the birth date says 1990.
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        problems = check(cccd="001290012345")
    assert fields(problems) == ["cccd"]
    assert "year of birth" in problems[0].message


def test_year_digits_must_match(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        problems = check(birth_date=date(1991, 5, 17))
    assert fields(problems) == ["cccd"]
    assert "year of birth" in problems[0].message


def test_birth_date_cannot_be_in_the_future(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        problems = dev_verifier(**{**WOMAN_2003, "cccd": "001326001234", "birth_date": date(2026, 6, 2)},
                                today=TODAY)
    assert fields(problems) == ["birth_date"]


def test_name_is_required(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert fields(check(full_name="  ")) == ["full_name"]


def test_messages_never_repeat_the_number(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        problems = check(cccd="003290012345", gender="female", birth_date=date(1991, 1, 1))
    assert len(problems) == 3
    assert all("3290012345" not in p.message for p in problems)


# --- choosing a verifier -------------------------------------------------------------------


def refuse_everyone(*, cccd, full_name, birth_date, gender):
    return [Problem(None, "Not found in the register.")]


def test_a_verifier_is_plugged_by_dotted_path(app, monkeypatch):
    from app.auth import verifier

    monkeypatch.setitem(app.config, "IDENTITY_VERIFIER", "tests.auth.test_verify:refuse_everyone")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert verifier.verify(**MAN_1990) == [Problem(None, "Not found in the register.")]


@pytest.mark.parametrize("setting", ["nonsense", "tests.auth.test_verify:missing", "tests.auth.test_verify:TODAY"])
def test_a_bad_verifier_setting_is_an_error(app, monkeypatch, setting):
    from app.auth import verifier

    monkeypatch.setitem(app.config, "IDENTITY_VERIFIER", setting)
    with app.test_request_context(), pytest.raises(RuntimeError, match="IDENTITY_VERIFIER"):
        verifier.verify(**MAN_1990)


# --- the page ------------------------------------------------------------------------------


def form_data(client, **changes):
    data = {"cccd": MAN_1990["cccd"], "full_name": MAN_1990["full_name"], "birth_date": "1990-05-17",
            "gender": "male", "csrf_token": csrf_token(client, "/")}
    data.update(changes)
    return data


def alerts(response) -> list[str]:
    return re.findall(r'role="alert">([^<]*)<', response.get_data(as_text=True))


@pytest.fixture
def citizen(app, client, make_user, login):
    client.set_cookie("lang", "en")
    user_id = make_user(name="Nguyễn Văn An")
    login(client, user_id)
    return user_id


def load_user(app, user_id):
    from app.auth.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        snapshot = {"level": user.identity_level, "cccd": user.get_cccd(), "name": user.full_name,
                    "birth_date": user.birth_date, "gender": user.gender, "source": user.identity_source}
        db.session.remove()
    return snapshot


def test_visitors_are_sent_to_login(client):
    response = client.get("/account/verify")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/account/verify"
    response = client.post("/account/verify", data=form_data(client))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_form_is_accessible(app, client, citizen):
    response = client.get("/account/verify")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("cccd", "full_name", "birth_date", "gender"):
        assert f'<label for="{name}">' in html and f'id="{name}"' in html
    assert re.search(r'id="cccd"[^>]*autocomplete="off"', html)
    assert 'value="Nguyễn Văn An"' in html  # the name on the account is offered
    assert ">Male<" in html and ">Female<" in html and ">Other<" in html
    assert "no-store" in response.headers["Cache-Control"]


def test_verification_raises_the_account_to_level_2(app, client, citizen):
    from app.audit.models import AuditEntry

    response = client.post("/account/verify", data=form_data(client, full_name="  Nguyễn   Văn An "))
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/"
    assert MAN_1990["cccd"] not in response.headers["Location"]
    user = load_user(app, citizen)
    assert user == {"level": 2, "cccd": MAN_1990["cccd"], "name": "Nguyễn Văn An",
                    "birth_date": date(1990, 5, 17), "gender": "male", "source": "verifier"}
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "identity.verified"))
        assert entry.object_id == str(citizen) and entry.details == {"source": "verifier"}
        db.session.remove()
    with client.session_transaction() as sess:
        flashes = [str(message) for _, message in sess.get("_flashes", [])]
    assert flashes and all(MAN_1990["cccd"] not in f for f in flashes)


def test_numbers_typed_with_spaces_and_dates_typed_by_hand_are_accepted(app, client, citizen):
    response = client.post("/account/verify", data=form_data(client, cccd="001 090 012 345",
                                                              birth_date="17/05/1990"))
    assert response.status_code == 303
    assert load_user(app, citizen)["cccd"] == MAN_1990["cccd"]


def test_inconsistent_details_are_shown_and_kept(app, client, citizen):
    response = client.post("/account/verify", data=form_data(client, gender="female"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert alerts(response) == ["The ID card number does not match the gender given."]
    assert re.search(r'id="cccd"[^>]*aria-describedby="cccd-hint cccd-error" aria-invalid="true"', html)
    assert 'value="Nguyễn Văn An"' in html and 'value="1990-05-17"' in html
    assert re.search(r'<option value="female" selected>', html)
    assert load_user(app, citizen)["level"] == 1


def test_missing_fields_are_reported_each_at_its_field(app, client, citizen):
    response = client.post("/account/verify", data=form_data(client, cccd="", full_name="", birth_date="",
                                                             gender=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("cccd", "full_name", "birth_date", "gender"):
        assert f'id="{name}-error" role="alert"' in html
    response = client.post("/account/verify", data=form_data(client, birth_date="31/02/1990", gender="x"))
    assert alerts(response) == ["Enter your date of birth, for example 15/08/1990.",
                                "Choose your gender as on your ID card."]
    assert 'value="31/02/1990"' in response.get_data(as_text=True)


def test_number_of_another_account_is_refused(app, client, citizen, make_user):
    from app.audit.models import AuditEntry

    other = make_user(level=2, cccd=MAN_1990["cccd"])
    response = client.post("/account/verify", data=form_data(client))
    assert response.status_code == 422
    assert alerts(response) == ["This ID number is already linked to another account. "
                                "If it is yours, please contact your ward office."]
    assert load_user(app, citizen)["level"] == 1
    assert load_user(app, other)["cccd"] == MAN_1990["cccd"]
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "identity.conflict"))
        assert entry.actor_id == citizen and MAN_1990["cccd"] not in str(entry.details)
        db.session.remove()


def test_verified_accounts_cannot_verify_again(app, client, make_user, login):
    user_id = make_user(level=2)
    login(client, user_id)
    before = load_user(app, user_id)
    assert client.get("/account/verify").status_code == 303
    response = client.post("/account/verify", data=form_data(client))
    assert response.status_code == 303
    assert load_user(app, user_id) == before


def test_verification_needs_the_csrf_token(app, client, citizen):
    data = form_data(client)
    del data["csrf_token"]
    assert client.post("/account/verify", data=data).status_code == 400
    assert load_user(app, citizen)["level"] == 1


def test_verification_attempts_are_limited_per_account(app, client, citizen, make_user, login):
    for _ in range(10):
        assert client.post("/account/verify", data=form_data(client, gender="female")).status_code == 422
    response = client.post("/account/verify", data=form_data(client))
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    assert load_user(app, citizen)["level"] == 1
    # The limit is the account's, not the address's.
    login(client, make_user())
    assert client.post("/account/verify", data=form_data(client)).status_code == 303


def test_production_never_uses_the_format_only_verifier(tmp_path):
    from app import create_app

    settings = {"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40,
                "DATA_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"}
    app = create_app(settings)
    assert app.config["IDENTITY_VERIFIER"] == "none"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        from datetime import date

        from app.auth.verifier import verify

        problems = verify(cccd="001190012345", full_name="A", birth_date=date(1990, 1, 1), gender="female")
        assert problems and "VNeID" in str(problems[0].message)
    with pytest.raises(RuntimeError, match="IDENTITY_VERIFIER"):
        create_app({**settings, "IDENTITY_VERIFIER": "dev"})
