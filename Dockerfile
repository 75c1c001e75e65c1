# Vanishing Point as a public demo: slim Python, pinned requirements, a non-root user,
# the port from $PORT (as most hosts set it), and a health check that runs the app's script.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --create-home --uid 10001 vanishing
COPY --chown=vanishing:vanishing . .
USER vanishing
# Every named scene and every depth of the initialization heatmaps, computed once at build time
# into ~/.cache/vanishing-point (explainer/store.py): a fresh container answers them at once.
RUN python -m explainer.ui.precompute

EXPOSE 8501
# The script-health check runs the app's script (200 when it ran without an error); its first run
# starts the warm-up that visits every page and scene once (explainer/ui/warmup.py). Docker
# Engine 25+ checks every 2 s while the container starts, so that happens at once.
HEALTHCHECK --interval=30s --timeout=55s --start-period=60s --start-interval=2s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_stcore/script-health-check' % os.environ.get('PORT', '8501'), timeout=50)"

# exec so Streamlit receives the container's stop signal directly.
CMD ["sh", "-c", "exec streamlit run app.py --server.port=${PORT} --server.address=0.0.0.0 --server.headless=true"]
