"""Domain events other apps listen to (assessments imports none of them).

`quiz_passed` is sent after the transaction that passed an attempt has committed, with the
keyword arguments `learner` (User), `quiz` (Quiz) and `attempt` (Attempt). It is sent once per
passing attempt: when the attempt is submitted with a pass mark reached, or when a trainer's grade
of its last open answer makes it pass. A learner may pass the same quiz again in a later attempt,
so receivers should be idempotent.
"""

import django.dispatch

quiz_passed = django.dispatch.Signal()
