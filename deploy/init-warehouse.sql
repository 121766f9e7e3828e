-- The warehouse beside the Dagster instance's database (deploy/docker-compose.yaml).
CREATE DATABASE warehouse;
