// app.get('/img/:id', imageRedirect): the secret stays on the server; the browser gets a 302.
import { signedUrl } from 'imgapi/url';

export async function imageRedirect(req, res) {
  const url = await signedUrl({
    baseUrl: process.env.IMGAPI_URL, // https://img.example.com
    clientId: process.env.IMGAPI_CLIENT,
    secret: process.env.IMGAPI_SECRET, // imgapi client secret <clientId>
    imageId: req.params.id,
    transform: 'w_800,f_webp,q_80',
  });
  res.redirect(302, url);
}
