/** The app installation: the owner of app-data metafields (app.metafields in Liquid). */
export const CurrentAppInstallation = `#graphql
  query CurrentAppInstallation {
    currentAppInstallation {
      id
    }
  }
`;
