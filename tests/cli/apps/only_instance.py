"""One Cupola instance under a name other than `app`."""

from __future__ import annotations

from cupola import Cupola

application = Cupola(__name__)
alias = application
