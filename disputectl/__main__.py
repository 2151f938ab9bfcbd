from disputectl.cli.main import run

run()
