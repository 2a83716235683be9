"""Every model, imported once so that Alembic and the mapper see them all."""

from app.alerts.models import Alert, AlertSubscription  # noqa: F401
from app.answers.models import AnswerDocument, CitizenQuestion, FaqEntry  # noqa: F401
from app.audit.models import AuditEntry  # noqa: F401
from app.auth.models import OidcIdentity, OtpCode, RoleGrant, User  # noqa: F401
from app.business.models import (  # noqa: F401
    Business,
    BusinessQuestion,
    Consultation,
    ConsultationComment,
)
from app.cases.models import Case, CaseEvent  # noqa: F401
from app.core.sms import DevSmsMessage  # noqa: F401
from app.core.workcal import Holiday  # noqa: F401
from app.lookups.models import (  # noqa: F401
    AirportTicket,
    AirportTrip,
    BusPassApplication,
    BusRoute,
    BusService,
    BusServiceException,
    BusStop,
    BusStopTime,
    BusTrip,
    EnrollmentApplication,
    ExamScore,
    GtfsFeed,
    ParkingLot,
    ParkingOperator,
    School,
)
from app.notifications.models import Notification  # noqa: F401
from app.open311.models import ApiKey  # noqa: F401
from app.places.models import Agency, Ward  # noqa: F401
from app.procedures.models import (  # noqa: F401
    ComplaintAttachment,
    Procedure,
    ProcedureComplaint,
    ProcedureRevision,
)
from app.push.models import PushSubscription  # noqa: F401
from app.reception.models import ReceptionBooking, ReceptionSession, ReceptionSlot  # noqa: F401
from app.reports.models import (  # noqa: F401
    Category,
    CategoryQuestion,
    Report,
    ReportFollower,
    ReportPhoto,
)
from app.surveys.models import Survey, SurveyQuestion, SurveyResponse  # noqa: F401
