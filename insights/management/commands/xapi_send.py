"""Send xAPI statements to the configured learning record store, in a loop.

    python manage.py xapi_send            # every 10 s until stopped (Ctrl+C or SIGTERM)
    python manage.py xapi_send --once     # one round: queue new statements, send what is due

Without XAPI_LRS_ENDPOINT it says so and stops. Several workers may run: an LRS keeps the first
copy of a statement id, so a statement sent twice is stored once.
"""

import signal
import time

from django.core.management import BaseCommand

from insights import lrs


class Command(BaseCommand):
    help = "Queue xAPI statements of graded attempts and ended roleplays and send them to the LRS, with retries."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between rounds")

    def handle(self, *args, once, interval, **options):
        if not lrs.is_configured():
            if options["verbosity"]:
                self.stdout.write("XAPI_LRS_ENDPOINT is not set: nothing to send.")
            return
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        try:
            while self.running:
                queued = lrs.outbox_fill()
                counts = lrs.outbox_send()
                if options["verbosity"] and (queued or any(counts.values())):
                    self.stdout.write(f"queued {queued}, sent {counts['sent']}, retry {counts['retry']}, "
                                      f"given up {counts['failed']}")
                if once:
                    break
                time.sleep(interval)
        except KeyboardInterrupt:
            pass

    def stop(self, *args):
        self.running = False
