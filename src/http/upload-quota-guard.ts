import type { AccountService } from '../core/accounts';
import { checkUploadSize, type QuotaService } from '../core/quotas';
import { errorToResponse } from './errors';
import { isUpload } from './request-guards';

/**
 * An upload (or replace) with an API key whose declared body is larger than its client's
 * upload size limit, plus the multipart framing allowance, is refused from its headers: the
 * body is never read. Anything else goes on (the file's exact size is checked after parsing,
 * before it is decoded; sessions are checked there, once their client access is known).
 */
export function uploadQuotaGuard(deps: { accounts: Pick<AccountService, 'authenticate'>; quotas: Pick<QuotaService, 'of'> }, multipartOverhead: number) {
  async function check(key: string, declared: number): Promise<Response | undefined> {
    const found = await deps.accounts.authenticate(key);
    if (!found) return undefined; // answered 401 by the route's authentication, as usual
    const quotas = await deps.quotas.of(found.clientId);
    if (quotas.maxUploadBytes === null || declared - multipartOverhead <= quotas.maxUploadBytes) return undefined;
    try {
      checkUploadSize(quotas, declared, 'The request body');
    } catch (error) {
      return errorToResponse(error);
    }
    return undefined;
  }
  return (request: Request): Promise<Response | undefined> | undefined => {
    if (!isUpload(request.method, request.url)) return undefined;
    const key = request.headers.get('x-api-key');
    const declared = Number(request.headers.get('content-length'));
    if (!key || !Number.isFinite(declared) || declared <= multipartOverhead) return undefined;
    return check(key, declared);
  };
}
