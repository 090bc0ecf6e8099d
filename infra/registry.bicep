// The container registry the image is built into (az acr build: ACR Tasks build it in Azure, no local Docker).
// Deployed first by `atk provision` (m365agents.yml), because the image must exist before the Container App that
// runs it. API version: https://learn.microsoft.com/azure/templates/microsoft.containerregistry/2023-07-01/registries

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

var location = resourceGroup().location

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'acr${uniqueString(resourceGroup().id, resourceBaseName)}'
  location: location
  sku: {
    name: 'Basic'
  }
  properties: {
    // Pulls use the app's managed identity (AcrPull), never the admin account.
    adminUserEnabled: false
  }
}

// Persisted in env/.env.<env> by the Toolkit (arm/deploy outputs).
output AZURE_CONTAINER_REGISTRY_NAME string = registry.name
output AZURE_CONTAINER_REGISTRY_SERVER string = registry.properties.loginServer
