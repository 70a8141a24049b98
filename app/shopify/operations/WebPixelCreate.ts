/** Connects the app's web pixel extension to the shop with its settings (endpoint, shop key). */
export const WebPixelCreate = `#graphql
  mutation WebPixelCreate($webPixel: WebPixelInput!) {
    webPixelCreate(webPixel: $webPixel) {
      webPixel {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
