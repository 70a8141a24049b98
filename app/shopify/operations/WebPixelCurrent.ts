/** The app's web pixel on this shop, if it was created (an error answer means none exists). */
export const WebPixelCurrent = `#graphql
  query WebPixelCurrent {
    webPixel {
      id
      settings
    }
  }
`;
