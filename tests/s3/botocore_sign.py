#!/usr/bin/python3
"""Signs a JSON list of requests with botocore's SigV4 signers; the oracle for sigv4_test.

Usage: botocore_sign.py IN.json OUT.json
Each input item: {mode: "header"|"query", service, region, method, path (as sent, already
percent-encoded), query: [[key, value], ...] (decoded), headers: [[name, value], ...], body,
unsigned_payload, access_key, secret_key, token ("" for none), unix_seconds, expires}.
Each output item: {authorization, headers: [[name, value], ...] added by the signer,
query: [[key, value], ...] decoded auth params added by presigning, canonical_request}.
Exit status 2 when botocore is not importable (the test skips then).
"""
import datetime
import json
import sys
from urllib.parse import parse_qsl, quote, urlsplit

try:
    from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
except ImportError as err:
    print(f"botocore is not importable: {err}", file=sys.stderr)
    sys.exit(2)

SIGV4_TIMESTAMP = '%Y%m%dT%H%M%SZ'


def encode_query(pairs):
    return '&'.join(quote(k, safe='-_.~') + '=' + quote(v, safe='-_.~') for k, v in pairs)


def make_signer(item, credentials):
    s3 = item['service'] == 's3'
    if item['mode'] == 'query':
        cls = S3SigV4QueryAuth if s3 else SigV4QueryAuth
        return cls(credentials, item['service'], item['region'], expires=item['expires'])
    cls = S3SigV4Auth if s3 else SigV4Auth
    return cls(credentials, item['service'], item['region'])


def sign(item):
    credentials = Credentials(item['access_key'], item['secret_key'], item['token'] or None)
    url = 'http://' + dict((k.lower(), v) for k, v in item['headers'])['host'] + item['path']
    if item['query']:
        url += '?' + encode_query(item['query'])
    request = AWSRequest(method=item['method'], url=url, data=item['body'].encode('utf-8'))
    for name, value in item['headers']:
        request.headers[name] = value
    if item['unsigned_payload']:
        request.context['client_config'] = Config(s3={'payload_signing_enabled': False})
    before = [(k, v) for k, v in request.headers.items()]
    signer = make_signer(item, credentials)
    # add_auth() reads the wall clock; replay its steps with the requested time instead.
    request.context['timestamp'] = datetime.datetime.fromtimestamp(
        item['unix_seconds'], tz=datetime.timezone.utc).strftime(SIGV4_TIMESTAMP)
    signer._modify_request_before_signing(request)
    canonical_request = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical_request)
    signature = signer.signature(string_to_sign, request)
    signer._inject_signature_to_request(request, signature)
    added = [[k, v] for k, v in request.headers.items() if (k, v) not in before]
    query = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
    auth_query = [[k, v] for k, v in query if k.startswith('X-Amz-')]
    return {
        'authorization': request.headers.get('Authorization', ''),
        'headers': added,
        'query': auth_query,
        'canonical_request': canonical_request,
    }


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        items = json.load(f)
    results = [sign(item) for item in items]
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        json.dump(results, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
