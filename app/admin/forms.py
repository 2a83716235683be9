from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length


class HolidayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Choose a date."))])
    name = StringField(_l("Name of the holiday"), validators=[
        DataRequired(message=_l("Give the holiday a name.")), Length(max=120)])
