// Adherence Drift on Azure, as `atk provision` deploys it (m365agents.yml, after infra/registry.bicep and the first
// image build). Default host: Azure Container Apps running the image of ./Dockerfile (README "Deploy to Azure" says
// why, and how to host on App Service instead).
//
//   user-assigned managed identity - the bot's identity (UserAssignedMSI), Table Storage, Key Vault and registry access
//   Storage account, Table service   - every durable row; Entra ID only (shared keys off), Storage Table Data Contributor
//   Key Vault                        - GENESYS_CLIENT_SECRET, referenced by the Container App, never an app setting
//   Log Analytics workspace          - the service's JSON logs (stdout) and the platform's system logs
//   Container Apps environment + app - at least 2 replicas; /api/messages public, probes on METRICS_PORT
//   Azure Bot + Teams channel        - infra/botRegistration/azurebot.bicep
//
// API versions (the template reference pages):
//   https://learn.microsoft.com/azure/templates/microsoft.managedidentity/2023-01-31/userassignedidentities
//   https://learn.microsoft.com/azure/templates/microsoft.operationalinsights/2023-09-01/workspaces
//   https://learn.microsoft.com/azure/templates/microsoft.storage/2023-05-01/storageaccounts
//   https://learn.microsoft.com/azure/templates/microsoft.keyvault/2023-07-01/vaults
//   https://learn.microsoft.com/azure/templates/microsoft.authorization/2022-04-01/roleassignments
//   https://learn.microsoft.com/azure/templates/microsoft.app/2024-03-01/managedenvironments
//   https://learn.microsoft.com/azure/templates/microsoft.app/2024-03-01/containerapps
//   https://learn.microsoft.com/azure/templates/microsoft.containerregistry/2023-07-01/registries

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

var location = resourceGroup().location

@maxLength(42)
param botDisplayName string

@description('The image to run, built into the registry by `az acr build` (m365agents.yml sets it)')
param containerImage string

@description('Name of the registry created by infra/registry.bicep')
param containerRegistryName string

@description('Replicas that always run; the unit leases share the management units among them')
@minValue(2)
param minReplicas int = 2

@minValue(2)
param maxReplicas int = 4

@description('GENESYS_REGION, e.g. mypurecloud.ie')
param genesysRegion string

@description('GENESYS_CLIENT_ID: the OAuth client-credentials client')
param genesysClientId string

@secure()
@description('GENESYS_CLIENT_SECRET; stored in Key Vault, the app gets a reference')
param genesysClientSecret string

@description('GENESYS_MANAGEMENT_UNIT_IDS: comma list; empty = every unit the client can see')
param genesysManagementUnitIds string = ''

param logLevel string = 'info'

// Built-in role definitions: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var botPort = 3978
var metricsPort = 9464

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: resourceBaseName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${uniqueString(resourceGroup().id, resourceBaseName)}'
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // Entra ID only: the service reaches tables with its managed identity (AZURE_TABLES_ENDPOINT), never a key.
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv${uniqueString(resourceGroup().id, resourceBaseName)}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
  }
}

resource genesysSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'genesys-client-secret'
  properties: {
    value: genesysClientSecret
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: containerRegistryName
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: resourceBaseName
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: resourceBaseName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  dependsOn: [
    tableDataContributor
    secretsUser
    registryPull
  ]
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      // One revision at a time: a new version starts its replicas, then the old ones get SIGTERM and drain.
      activeRevisionsMode: 'Single'
      ingress: {
        // Only PORT is exposed: /api/messages. /healthz, /readyz and /metrics listen on METRICS_PORT inside.
        external: true
        targetPort: botPort
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registry.properties.loginServer
          identity: identity.id
        }
      ]
      secrets: [
        {
          name: 'genesys-client-secret'
          keyVaultUrl: genesysSecret.properties.secretUri
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'adherence-drift'
          image: containerImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            {
              name: 'NODE_ENV'
              value: 'production'
            }
            {
              name: 'PORT'
              value: string(botPort)
            }
            {
              name: 'METRICS_PORT'
              value: string(metricsPort)
            }
            {
              name: 'LOG_LEVEL'
              value: logLevel
            }
            {
              name: 'BOT_TYPE'
              value: 'UserAssignedMSI'
            }
            {
              name: 'BOT_ID'
              value: identity.properties.clientId
            }
            {
              name: 'BOT_TENANT_ID'
              value: identity.properties.tenantId
            }
            {
              // Read by DefaultAzureCredential (@azure/identity): which user-assigned identity gets the Table token.
              name: 'AZURE_CLIENT_ID'
              value: identity.properties.clientId
            }
            {
              name: 'AZURE_TABLES_ENDPOINT'
              value: storage.properties.primaryEndpoints.table
            }
            {
              name: 'GENESYS_REGION'
              value: genesysRegion
            }
            {
              name: 'GENESYS_CLIENT_ID'
              value: genesysClientId
            }
            {
              name: 'GENESYS_CLIENT_SECRET'
              secretRef: 'genesys-client-secret'
            }
            {
              name: 'GENESYS_MANAGEMENT_UNIT_IDS'
              value: genesysManagementUnitIds
            }
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: metricsPort
              }
              periodSeconds: 2
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: metricsPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // 503 until the store and the Genesys stream are up, and again while draining on SIGTERM.
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: metricsPort
              }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

module botRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    botDisplayName: botDisplayName
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    botAppDomain: app.properties.configuration.ingress.fqdn
  }
}

// Persisted in env/.env.<env> by the Toolkit (arm/deploy outputs); the app package reads BOT_ID from there.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = app.properties.configuration.ingress.fqdn
output BOT_ENDPOINT string = 'https://${app.properties.configuration.ingress.fqdn}'
output AZURE_CONTAINER_APP_NAME string = app.name
output AZURE_CONTAINER_APP_RESOURCE_ID string = app.id
output AZURE_TABLES_ENDPOINT string = storage.properties.primaryEndpoints.table
