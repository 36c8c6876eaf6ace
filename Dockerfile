# One image for web and workers: PyPI's Linux torch wheel includes CUDA, so GPU workers use it too.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
COPY frontend/tools/api-gen/package.json ./tools/api-gen/
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=frontend /src/frontend/dist /app/frontend/dist
RUN useradd --create-home distillery && mkdir -p /data && chown distillery /data
USER distillery
EXPOSE 8000
CMD ["python", "-m", "uvicorn", "webapp.asgi:application", "--host", "0.0.0.0", "--port", "8000"]
