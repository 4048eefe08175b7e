import { ERROR_CODES, MesosTsError, err, isMesosTsError, ok, unwrap } from './index';

describe('MesosTsError', () => {
  it('maps every code to its HTTP status', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      const e = new MesosTsError(code as keyof typeof ERROR_CODES, 'x');
      expect(e.httpStatus).toBe(status);
      expect(isMesosTsError(e)).toBe(true);
    }
    expect(isMesosTsError(new Error('plain'))).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new MesosTsError('INTERNAL', 'wrapped', { cause }).cause).toBe(cause);
  });
});

describe('Result', () => {
  it('unwraps values and throws errors', () => {
    expect(unwrap(ok(3))).toBe(3);
    expect(() => unwrap(err(new MesosTsError('NOT_FOUND', 'gone')))).toThrow('gone');
  });
});
