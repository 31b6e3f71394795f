import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js';

SwaggerUIBundle({
  // Absolute like the assets' public path: a relative one would break at `/docs/`.
  url: '/docs/json',
  dom_id: '#reference',
  deepLinking: true,
  // The default sends the document's URL to a public validator as an <img>: nothing leaves this server.
  validatorUrl: null,
});
