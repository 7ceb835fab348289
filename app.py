"""Starts the web app: builds what is missing, then serves assistant.ui on ASSISTANT_HOST:ASSISTANT_PORT."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve"]))
