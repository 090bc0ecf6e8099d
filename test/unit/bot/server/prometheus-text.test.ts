import assert from 'node:assert/strict';
import { renderPrometheus } from '../../../../bot/server/prometheus-text';

describe('renderPrometheus', () => {
  it('renders counters and keyed counters in snake case with their prefix', () => {
    const text = renderPrometheus({
      genesys: { framesReceived: 3, ignored: { stale: 2 } },
      delivery: { tenantPauses: 1, deliveries: { sent: 4 } },
    });
    assert.match(text, /^# TYPE genesys_frames_received counter\ngenesys_frames_received 3$/m);
    assert.match(text, /^genesys_ignored\{key="stale"\} 2$/m);
    assert.match(text, /^delivery_tenant_pauses 1$/m);
    assert.match(text, /^delivery_deliveries\{key="sent"\} 4$/m);
  });
});
