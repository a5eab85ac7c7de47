FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 1000 portal
COPY pyproject.toml README.md ./
COPY iqm_portal ./iqm_portal
COPY accounts ./accounts
COPY history ./history
COPY notices ./notices
COPY audiences ./audiences
COPY campaigns ./campaigns
COPY l2_ingest ./l2_ingest
RUN pip install --no-cache-dir ".[s3]"
COPY manage.py ./
COPY templates ./templates
COPY static ./static
RUN DEBUG=true python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R portal /app/var
USER portal

EXPOSE 8000
CMD ["gunicorn", "iqm_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
