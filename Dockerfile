FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY worker ./worker
COPY storage ./storage
COPY scheduler ./scheduler
RUN pip install ".[flower]" && useradd --create-home newsingest
USER newsingest
WORKDIR /home/newsingest
CMD ["newsingest", "worker"]
