"""The procedure catalogue (browse, search, edit with history) and procedure complaints."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.cases import services as cases
from app.core.database import after_commit
from app.core.models import utcnow
from app.core.storage import get_storage, validate_key
from app.core.text import fold, search_fold, vi_sort_key, vi_sorted
from app.extensions import db
from app.places.models import Agency
from app.procedures.attachments import CheckedFile
from app.procedures.models import ComplaintAttachment, Procedure, ProcedureComplaint, ProcedureRevision

# Fields (lĩnh vực) of the catalogue, in the order they are offered.
FIELDS = {
    "civil_status": _l("Civil status (birth, marriage, death)"),
    "residence": _l("Residence"),
    "identity": _l("Identity cards"),
    "certification": _l("Certified copies and signatures"),
    "construction": _l("Construction"),
    "land": _l("Land"),
    "business": _l("Business registration"),
    "transport": _l("Transport and driving"),
    "education": _l("Education"),
    "health": _l("Health and social insurance"),
    "social": _l("Social protection"),
}

EDITABLE = ("name", "field", "agency_id", "level", "summary", "documents", "fees", "processing_days",
            "steps", "legal_basis", "portal_url", "active")


def field_label(code: str) -> str:
    label = FIELDS.get(code)
    return str(label) if label is not None else code


def search_text(procedure: Procedure) -> str:
    """The name, summary and field (in Vietnamese) folded: what the catalogue's search matches."""
    with force_locale("vi"):
        label = field_label(procedure.field)
    return fold(" ".join([procedure.name, procedure.summary or "", label, procedure.code]))


@dataclass
class CatalogueFilters:
    field: str | None = None
    agency_id: int | None = None
    query: str = ""


def catalogue(filters: CatalogueFilters, *, include_inactive: bool = False) -> list[Procedure]:
    """Procedures matching the filters; every word of the query must appear (diacritics, case and
    the i/y spelling of a syllable ignored).

    Without a query the list is in Vietnamese alphabetical order; with one, procedures whose name
    holds every word come first, then those whose name holds some, then the rest (matched in the
    summary or field), each group alphabetical. The catalogue is a few hundred procedures at most:
    the words are matched here, on the stored folded text, rather than in SQL.
    """
    query = sa.select(Procedure).options(joinedload(Procedure.agency))
    if not include_inactive:
        query = query.where(Procedure.active)
    if filters.field:
        query = query.where(Procedure.field == filters.field)
    if filters.agency_id:
        query = query.where(Procedure.agency_id == filters.agency_id)
    procedures = list(db.session.scalars(query))
    words = search_fold(filters.query).split()[:10]
    if not words:
        return vi_sorted(procedures)
    ranked = []
    for procedure in procedures:
        if not all(w in search_fold(procedure.search_text or "") for w in words):
            continue
        name = search_fold(procedure.name)
        in_name = sum(w in name for w in words)
        rank = 0 if in_name == len(words) else 1 if in_name else 2
        ranked.append((rank, vi_sort_key(procedure.name), procedure.id, procedure))
    return [item[-1] for item in sorted(ranked, key=lambda item: item[:3])]


def agencies_with_procedures() -> list[Agency]:
    return vi_sorted(list(db.session.scalars(sa.select(Agency).where(
        Agency.id.in_(sa.select(Procedure.agency_id).where(Procedure.active))))))


def snapshot(procedure: Procedure) -> dict:
    return {name: getattr(procedure, name) for name in EDITABLE}


def save_procedure(procedure: Procedure, editor, values: dict) -> list[str]:
    """Apply ``values`` (a subset of :data:`EDITABLE`), keep a revision and audit the change.
    Returns the names of the fields that changed (nothing is written when none did)."""
    creating = procedure.id is None
    before = {} if creating else snapshot(procedure)
    for name, value in values.items():
        if name in EDITABLE:
            setattr(procedure, name, value)
    after = snapshot(procedure)
    changed = sorted(k for k in after if before.get(k) != after[k]) if not creating else sorted(after)
    if not changed:
        return []
    procedure.search_text = search_text(procedure)
    procedure.updated_at = utcnow()
    procedure.updated_by_id = getattr(editor, "id", None)
    if creating:
        db.session.add(procedure)
    db.session.flush()
    db.session.add(ProcedureRevision(procedure_id=procedure.id, editor_id=getattr(editor, "id", None),
                                     changed=changed, data=after, created_at=utcnow()))
    audit.record("procedure.created" if creating else "procedure.updated", procedure, actor=editor,
                 changed=changed)
    return changed


# --- complaints ---------------------------------------------------------------------------

# Drafts (attachments stored for a form not sent yet) are kept this long for a retry.
DRAFT_ATTACHMENT_HOURS = 24


def store_attachment(owner, checked: CheckedFile) -> ComplaintAttachment:
    """Store a checked file as the owner's draft attachment (no complaint yet)."""
    suffix = "pdf" if checked.content_type == "application/pdf" else "jpg"
    key = validate_key(f"complaints/{utcnow():%Y/%m}/{uuid.uuid4().hex}.{suffix}")
    get_storage().save(key, checked.data, checked.content_type)
    item = ComplaintAttachment(
        owner_id=owner.id, token=secrets.token_urlsafe(32), content_type=checked.content_type, key=key,
        size=len(checked.data), pages=checked.pages, sha256=checked.sha256, created_at=utcnow())
    db.session.add(item)
    db.session.flush()
    return item


def draft_attachments(owner, tokens: Iterable[str]) -> list[ComplaintAttachment]:
    """The owner's own drafts among ``tokens``, in the given order; anyone else's are ignored."""
    tokens = [t for t in dict.fromkeys(tokens) if t and len(t) <= 43]
    if not tokens:
        return []
    found = {a.token: a for a in db.session.scalars(sa.select(ComplaintAttachment).where(
        ComplaintAttachment.token.in_(tokens), ComplaintAttachment.owner_id == owner.id,
        ComplaintAttachment.complaint_id.is_(None)))}
    return [found[t] for t in tokens if t in found]


def discard_drafts(drafts: Iterable[ComplaintAttachment]) -> None:
    """Delete drafts, their files once the deletion is committed."""
    storage = get_storage()
    for item in drafts:
        db.session.delete(item)
        after_commit(lambda key=item.key: storage.delete(key))


def purge_draft_attachments(older_than: timedelta = timedelta(hours=DRAFT_ATTACHMENT_HOURS)) -> int:
    """Drop drafts of forms never sent, older than ``older_than``; their files go after commit."""
    stale = db.session.scalars(sa.select(ComplaintAttachment).where(
        ComplaintAttachment.complaint_id.is_(None), ComplaintAttachment.created_at < utcnow() - older_than)).all()
    discard_drafts(stale)
    return len(stale)


@dataclass
class NewComplaint:
    procedure: Procedure
    file_number: str
    description: str
    attachments: Sequence[ComplaintAttachment] = ()


def file_complaint(user, submission_id: str, new: NewComplaint) -> tuple[ProcedureComplaint, bool]:
    """File the complaint through the case engine (routed to the procedure's agency); the draft
    attachments are attached only to a new case, never twice for a retried submission."""
    complaint = ProcedureComplaint(requester_id=user.id, submission_id=submission_id, source="web",
                                   procedure_id=new.procedure.id, procedure=new.procedure,
                                   file_number=new.file_number.strip(), description=new.description.strip())
    complaint, created = cases.file_case(complaint, user)
    if created:
        for position, item in enumerate(new.attachments):
            if item.owner_id != user.id or item.complaint_id is not None:
                continue
            item.complaint_id = complaint.id
            item.position = position
        db.session.flush()
        db.session.expire(complaint, ["attachments"])
    return complaint, created


def complaints_of(user) -> list[ProcedureComplaint]:
    return list(db.session.scalars(sa.select(ProcedureComplaint).where(
        ProcedureComplaint.requester_id == user.id).order_by(ProcedureComplaint.id.desc()).limit(100)))
