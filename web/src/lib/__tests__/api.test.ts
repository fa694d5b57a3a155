import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError, buildUrl, mlflowGet, mlflowPost } from '@/lib/api';
import { server } from '@/test/server';

describe('api', () => {
  it('returns parsed JSON and sends query parameters', async () => {
    server.use(http.get('*/ajax-api/2.0/mlflow/experiments/get', ({ request }) => {
      const id = new URL(request.url).searchParams.get('experiment_id');
      return HttpResponse.json({ experiment: { experiment_id: id, name: 'x' } });
    }));
    const answer = await mlflowGet<{ experiment: { experiment_id: string } }>('experiments/get',
      { experiment_id: '7' });
    expect(answer.experiment.experiment_id).toBe('7');
  });

  it('turns MLflow error JSON into an ApiError with code and message', async () => {
    server.use(http.post('*/ajax-api/2.0/mlflow/runs/search', () => HttpResponse.json(
      { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid filter 'metrics.'" }, { status: 400 })));
    const error = await mlflowPost('runs/search', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect((error as ApiError).message).toBe("Invalid filter 'metrics.'");
    expect((error as ApiError).isUserError).toBe(true);
  });

  it('reports a non-JSON error body with its status', async () => {
    server.use(http.get('*/ajax-api/2.0/mlflow/x', () => new HttpResponse('<html>bad gateway</html>',
      { status: 502, statusText: 'Bad Gateway' })));
    const error = (await mlflowGet('x').catch((e: unknown) => e)) as ApiError;
    expect(error.errorCode).toBe('HTTP_502');
    expect(error.message).toContain('502');
    expect(error.message).toContain('bad gateway');
    expect(error.isUserError).toBe(false);
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    server.use(http.get('*/ajax-api/2.0/mlflow/x', () => HttpResponse.error()));
    const error = (await mlflowGet('x').catch((e: unknown) => e)) as ApiError;
    expect(error.errorCode).toBe('NETWORK_ERROR');
  });

  it('rejects invalid JSON in a success answer', async () => {
    server.use(http.get('*/ajax-api/2.0/mlflow/x', () => new HttpResponse('{not json', { status: 200 })));
    const error = (await mlflowGet('x').catch((e: unknown) => e)) as ApiError;
    expect(error.errorCode).toBe('BAD_RESPONSE');
  });

  it('builds URLs with repeated keys and skips empty values', () => {
    const url = new URL(buildUrl('/a', { k: ['1', '2'], empty: '', none: undefined, n: 3 }));
    expect(url.searchParams.getAll('k')).toEqual(['1', '2']);
    expect(url.searchParams.has('empty')).toBe(false);
    expect(url.searchParams.has('none')).toBe(false);
    expect(url.searchParams.get('n')).toBe('3');
  });
});
