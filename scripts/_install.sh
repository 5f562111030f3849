# Sourced by scripts/up and scripts/test: cd to the repository, make .venv, install the project into it.
# pip runs only when pyproject.toml changed since the last install (its hash is kept in .venv).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ]; then
    if ! PYTHON_BIN="$(find_python)"; then
        echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)." >&2
        exit 1
    fi
    echo "creating .venv with $PYTHON_BIN" >&2
    if ! "$PYTHON_BIN" -m venv .venv; then
        rm -rf .venv
        echo "could not create .venv; on Debian: sudo apt-get install -y python3-venv" >&2
        exit 1
    fi
fi

INSTALL_STAMP=.venv/.pyproject.sha256
if [ "$(sha256sum pyproject.toml | cut -d' ' -f1)" != "$(cat "$INSTALL_STAMP" 2>/dev/null)" ]; then
    echo "installing the project and its test dependencies into .venv (pip)" >&2
    # PYTHONWARNINGS: setuptools' notice about editable installs says nothing about this project.
    PYTHONWARNINGS=ignore .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
    sha256sum pyproject.toml | cut -d' ' -f1 > "$INSTALL_STAMP"
fi

# True when AMQP_URL is unset or names this machine, so a missing local RabbitMQ is ours to install.
amqp_is_local() {
    case "${AMQP_URL:-}" in
        "" | amqp://127.0.0.1[:/]* | amqp://localhost[:/]* | amqp://*@127.0.0.1[:/]* | amqp://*@localhost[:/]* \
            | amqp://127.0.0.1 | amqp://localhost | amqp://*@127.0.0.1 | amqp://*@localhost) return 0 ;;
        *) return 1 ;;
    esac
}

rabbitmq_installed() {
    command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ]
}
