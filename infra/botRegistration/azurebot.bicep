// The Azure Bot registration with the Microsoft Teams channel, for a bot whose identity is a user-assigned managed
// identity (Azure creates no new multi-tenant bots; https://learn.microsoft.com/azure/bot-service/bot-service-quickstart-registration).
// API version: https://learn.microsoft.com/azure/templates/microsoft.botservice/2022-09-15/botservices

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

@maxLength(42)
param botDisplayName string

param botServiceSku string = 'F0'
param identityResourceId string
param identityClientId string
param identityTenantId string
@description('Host name of the bot endpoint; the messaging endpoint is https://<host>/api/messages')
param botAppDomain string

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  kind: 'azurebot'
  location: 'global'
  name: resourceBaseName
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  location: 'global'
  name: 'MsTeamsChannel'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}
