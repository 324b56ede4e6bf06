"""Takes order mails from the Redis list `mails` and sends them; touches /tmp/alive after each poll."""
import os
import pathlib
import time


def main() -> None:
    alive = pathlib.Path("/tmp/alive")
    while True:
        # The real worker pops from REDIS_URL here; the fixture only shows the shape.
        alive.touch()
        time.sleep(float(os.environ.get("POLL_SECONDS", "5")))


if __name__ == "__main__":
    main()
