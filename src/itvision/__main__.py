from itvision.cli import app

app(prog_name="itvision")
