"""Every measure, in the order pages show them."""

from .bridge import BRIDGE_MOVEMENT
from .education import EDUCATION_COMPLETIONS
from .employment import EMPLOYMENT_ENTRIES, SUBSIDISED_TO_UNSUBSIDISED
from .engagement import ENGAGEMENT
from .figures import Measure
from .goals import GOALS_ACHIEVED, GOALS_REPLACED, GOALS_REVISED, GOALS_SET, STEPS_COMPLETED
from .ladder import LADDER
from .pairing import PAIRING
from .referrals import REFERRALS_CLOSED
from .work_rate import WORK_RATE

MEASURES: list[Measure] = [
    ENGAGEMENT,
    *LADDER,
    WORK_RATE,
    EMPLOYMENT_ENTRIES,
    SUBSIDISED_TO_UNSUBSIDISED,
    EDUCATION_COMPLETIONS,
    BRIDGE_MOVEMENT,
    GOALS_SET,
    GOALS_ACHIEVED,
    GOALS_REVISED,
    GOALS_REPLACED,
    STEPS_COMPLETED,
    REFERRALS_CLOSED,
    PAIRING,
]
BY_KEY = {measure.key: measure for measure in MEASURES}
