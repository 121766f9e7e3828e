"""What Dagster's Helm chart reads: the keys of its values schema that deploy/helm sets.

Read from the chart's values schema (``helm/dagster/schema/schema/charts/dagster`` in
dagster-io/dagster, for dagster 1.13) and its templates; a key the chart does not know is
silently ignored by Helm, so ``test_deployment`` checks every key of our values against these.
"""

from typing import Any

Free = None
"""A chart value whose inside is Kubernetes' or Dagster's own (a probe, a volume): not checked."""


def free(names: str) -> dict[str, None]:
    """Chart keys, space-separated, whose values are not checked further."""
    return dict.fromkeys(names.split())


CHART: dict[str, Any] = {
    "dagster-user-deployments": {
        **free("enabled enableSubchart imagePullSecrets"),
        "deployments": [
            {
                **free(
                    "name dagsterApiGrpcArgs codeServerArgs port env envConfigMaps envSecrets "
                    "annotations nodeSelector affinity tolerations podSecurityContext "
                    "securityContext resources livenessProbe readinessProbe startupProbe "
                    "labels volumeMounts volumes schedulerName"
                ),
                "image": free("repository tag pullPolicy"),
                "includeConfigInLaunchedRuns": free("enabled"),
            }
        ],
    },
    "runLauncher": {
        **free("type"),
        "config": {
            "k8sRunLauncher": free(
                "image imagePullPolicy jobNamespace loadInclusterConfig kubeconfigFile "
                "envConfigMaps envSecrets envVars volumeMounts volumes labels "
                "failPodOnRunFailure resources schedulerName securityContext runK8sConfig"
            ),
        },
    },
    "computeLogManager": {
        **free("type"),
        "config": {
            "s3ComputeLogManager": free(
                "bucket localDir prefix useSsl verify verifyCertPath endpointUrl skipEmptyFiles "
                "uploadInterval uploadExtraArgs showUrlOnly region"
            ),
        },
    },
    "dagsterWebserver": free(
        "replicaCount image nameOverride pathPrefix service workspace env envConfigMaps "
        "envSecrets deploymentLabels labels nodeSelector affinity tolerations "
        "podSecurityContext securityContext resources readinessProbe livenessProbe "
        "startupProbe annotations enableReadOnly dbStatementTimeout dbPoolRecycle logLevel "
        "schedulerName volumeMounts volumes"
    ),
    "postgresql": {
        **free(
            "image enabled postgresqlHost postgresqlUsername postgresqlPassword "
            "postgresqlDatabase postgresqlParams postgresqlScheme"
        ),
        "service": free("port"),
    },
    **free("generatePostgresqlPasswordSecret"),
    "global": free(
        "postgresqlSecretName dagsterHome serviceAccountName celeryConfigSecretName "
        "dagsterInstanceConfigMap"
    ),
    "dagsterDaemon": {
        **free(
            "enabled image heartbeatTolerance env envConfigMaps envSecrets deploymentLabels "
            "labels nodeSelector affinity tolerations podSecurityContext securityContext "
            "resources livenessProbe readinessProbe startupProbe annotations runMonitoring "
            "runRetries sensors schedules schedulerName volumeMounts volumes"
        ),
        "runCoordinator": {
            **free("enabled type"),
            "config": {
                "queuedRunCoordinator": free(
                    "maxConcurrentRuns tagConcurrencyLimits dequeueIntervalSeconds "
                    "dequeueNumWorkers dequeueUseThreads"
                )
            },
        },
    },
}
CHART_PASSWORD_KEY = "postgresql-password"
"""The key of ``global.postgresqlSecretName`` the chart's pods read DAGSTER_PG_PASSWORD from."""
