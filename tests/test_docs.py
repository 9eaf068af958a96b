"""The README is the contract with a newcomer and with CI: keep it true."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def fenced_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_readme_opens_with_two_commands_and_ci_runs_the_second():
    blocks = fenced_blocks(README)
    install_and_run, test_command = blocks[0].strip(), blocks[1].strip()
    assert "requirements.txt" in install_and_run and "streamlit run app.py" in install_and_run
    assert "pytest" in test_command
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines


def test_every_cli_command_in_the_readme_exists(tmp_path):
    usage = subprocess.run([sys.executable, "-m", "cxcore", "--help"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    for line in README.splitlines():
        match = re.search(r"python3? -m cxcore (\w+)", line)
        if match:
            assert match.group(1) in usage, line


def test_pinned_requirements():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert "==" in line, f"{name}: {line} is not pinned"


def test_readme_cli_walkthrough_runs(tmp_path):
    """Run the README's first command-line block, line by line, as a newcomer would."""
    import os

    block = next(b for b in fenced_blocks(README) if "-m cxcore init" in b)
    env = dict(os.environ, CX_DATA_DIR=str(tmp_path / "data"), CX_BCRYPT_ROUNDS="4")
    for line in block.strip().splitlines():
        command = line.split("  #")[0].strip()
        result = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, text=True,
                                input="a-long-password\n", capture_output=True)
        assert result.returncode == 0, (command, result.stderr)
    listing = subprocess.run([sys.executable, "-m", "cxcore", "workspace", "list"], cwd=ROOT,
                             env=env, text=True, capture_output=True, check=True).stdout
    assert "Acme Dental" in listing and "owner: bob" in listing
    assert "Brightside Appliances (demo)" in listing
