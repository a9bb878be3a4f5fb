/** A ConnectRPC service as the router serves it: `/<typeName>/<method>`. */
export interface ServiceDef {
  typeName: string;
  methods: MethodDef[];
}

export interface MethodDef {
  /** The protobuf name (`GetMonitor`), as in the URL. */
  name: string;
  /** Unary, not streaming: only these can be called with GET. */
  unary: boolean;
  /** `option idempotency_level = NO_SIDE_EFFECTS`: the Connect protocol also serves the method with GET. */
  noSideEffects: boolean;
}

/**
 * The services of a serialized `FileDescriptorProto`, as protoc-gen-es v2 embeds it in `*_pb.ts`
 * (`fileDesc("<base64>")`). A bounded reader of the protobuf wire format: only the fields a route
 * needs (package 2, service 6 → name 1, method 2 → name 1, options 4 → idempotency_level 34,
 * client/server streaming 5/6). Undefined when the bytes are not a well-formed descriptor.
 */
export function servicesOfDescriptor(base64: string): ServiceDef[] | undefined {
  if (base64.length > 4_000_000 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  const file = fields(bytes);
  if (!file) return undefined;
  const pkg = file.find((entry) => entry.field === 2 && entry.bytes)?.bytes;
  const packageName = pkg ? pkg.toString('utf8') : '';
  const services: ServiceDef[] = [];
  for (const entry of file) {
    if (entry.field !== 6 || !entry.bytes) continue;
    const service = fields(entry.bytes);
    const name = service?.find((part) => part.field === 1 && part.bytes)?.bytes?.toString('utf8');
    if (!service || !name) return undefined;
    const methods: MethodDef[] = [];
    for (const part of service) {
      if (part.field !== 2 || !part.bytes) continue;
      const method = fields(part.bytes);
      const methodName = method?.find((item) => item.field === 1 && item.bytes)?.bytes?.toString('utf8');
      if (!method || !methodName) return undefined;
      const streaming = method.some((item) => (item.field === 5 || item.field === 6) && item.varint === 1);
      const optionBytes = method.find((item) => item.field === 4 && item.bytes)?.bytes;
      const options = optionBytes ? fields(optionBytes) : [];
      methods.push({ name: methodName, unary: !streaming, noSideEffects: options?.some((item) => item.field === 34 && item.varint === 1) ?? false });
    }
    services.push({ typeName: packageName === '' ? name : `${packageName}.${name}`, methods });
  }
  return services;
}

interface WireField {
  field: number;
  varint?: number;
  bytes?: Buffer;
}

/** The top-level fields of one message; undefined on malformed input (never throws, never reads past the end). */
function fields(bytes: Buffer): WireField[] | undefined {
  const out: WireField[] = [];
  let offset = 0;
  const varint = (): number | undefined => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (offset >= bytes.length) return undefined;
      const byte = bytes[offset++] ?? 0;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    return undefined;
  };
  while (offset < bytes.length) {
    const key = varint();
    if (key === undefined) return undefined;
    const field = Math.floor(key / 8);
    const type = key % 8;
    if (type === 0) {
      const value = varint();
      if (value === undefined) return undefined;
      out.push({ field, varint: value });
    } else if (type === 2) {
      const length = varint();
      if (length === undefined || offset + length > bytes.length) return undefined;
      out.push({ field, bytes: bytes.subarray(offset, offset + length) });
      offset += length;
    } else if (type === 1) offset += 8;
    else if (type === 5) offset += 4;
    else return undefined;
    if (offset > bytes.length) return undefined;
  }
  return out;
}
