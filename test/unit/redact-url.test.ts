import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlsInText } from '../../src/redact/redact-url.js';

describe('redactUrl', () => {
  it('hides the user, the password and secret-looking query values, keeping the rest', () => {
    expect(redactUrl('http://scraper:hunter2@10.0.0.5:9100/metrics?job=order&token=abc123&api_key=k9')).toBe(
      'http://[redacted]@10.0.0.5:9100/metrics?job=order&token=[redacted]&api_key=[redacted]',
    );
  });

  it('leaves a URL without secrets as it was written', () => {
    expect(redactUrl('http://127.0.0.1:9100/metrics?job=order')).toBe('http://127.0.0.1:9100/metrics?job=order');
  });

  it('still hides credentials in a text that is not a URL', () => {
    expect(redactUrl('//user:pw@host:1/metrics x')).toBe('//[redacted]@host:1/metrics x');
  });

  it('redacts a URL inside a text and keeps the words around it', () => {
    expect(redactUrlsInText('http://u:p@h:9/metrics?secret=s (process_resident_memory_bytes)')).toBe('http://[redacted]@h:9/metrics?secret=[redacted] (process_resident_memory_bytes)');
  });
});
