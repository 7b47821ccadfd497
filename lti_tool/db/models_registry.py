"""Import every feature's models so Alembic and tests see the whole schema."""

from lti_tool.accounts import models as _accounts  # noqa: F401
from lti_tool.core import audit as _audit  # noqa: F401
from lti_tool.db import Base
from lti_tool.exchange import models as _exchange  # noqa: F401
from lti_tool.journal import models as _journal  # noqa: F401
from lti_tool.lms_scores import models as _lms_scores  # noqa: F401
from lti_tool.lti import models as _lti  # noqa: F401
from lti_tool.network import models as _network  # noqa: F401
from lti_tool.network.bank import models as _bank  # noqa: F401
from lti_tool.network.council import models as _council  # noqa: F401
from lti_tool.network.cycle import models as _cycle  # noqa: F401
from lti_tool.network.events import models as _events  # noqa: F401
from lti_tool.network.monitoring import models as _monitoring  # noqa: F401
from lti_tool.notifications import models as _notifications  # noqa: F401
from lti_tool.pathways import models as _pathways  # noqa: F401
from lti_tool.people import models as _people  # noqa: F401
from lti_tool.portfolio import models as _portfolio  # noqa: F401
from lti_tool.sync import models as _sync  # noqa: F401

metadata = Base.metadata
