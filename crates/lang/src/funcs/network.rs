//! IP network functions (Terraform's `cidr.go`): `cidrhost`, `cidrnetmask`,
//! `cidrsubnet` and `cidrsubnets`.

use std::net::IpAddr;

use iac_value::Value;
use ipnet::IpNet;

use super::args::{integer, string};
use super::{CallError, Ctx, Function, R, f};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("cidrhost", &["prefix", "hostnum"], |_, a| {
        Ok(Value::String(
            host(&string(&a, 0)?, integer(&a, 1)?).map_err(CallError::Failed)?,
        ))
    }),
    f("cidrnetmask", &["prefix"], |_, a| {
        Ok(Value::String(
            netmask(&string(&a, 0)?).map_err(CallError::Failed)?,
        ))
    }),
    f("cidrsubnet", &["prefix", "newbits", "netnum"], |_, a| {
        let (prefix, newbits, netnum) = (string(&a, 0)?, integer(&a, 1)?, integer(&a, 2)?);
        Ok(Value::String(
            subnet(&prefix, newbits, netnum).map_err(CallError::Failed)?,
        ))
    }),
    f("cidrsubnets", &["prefix"], cidrsubnets).variadic("newbits"),
];

fn parse(prefix: &str) -> Result<IpNet, String> {
    prefix
        .parse::<IpNet>()
        .map_err(|_| format!("invalid CIDR expression: invalid CIDR address: {prefix}"))
}

fn bits(net: &IpNet) -> u8 {
    match net {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    }
}

fn to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u32::from(a) as u128,
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_u128(net: &IpNet, n: u128) -> IpAddr {
    match net {
        IpNet::V4(_) => IpAddr::V4((n as u32).into()),
        IpNet::V6(_) => IpAddr::V6(n.into()),
    }
}

/// `cidrsubnet(prefix, newbits, netnum)`.
fn subnet(prefix: &str, newbits: i64, netnum: i64) -> Result<String, String> {
    let net = parse(prefix)?;
    let new_len = net.prefix_len() as i64 + newbits;
    if newbits < 0 || new_len > bits(&net) as i64 {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix_len()
        ));
    }
    if netnum < 0 || newbits < 64 && netnum >= (1i64 << newbits) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let base = to_u128(net.network());
    let shift = bits(&net) as i64 - new_len;
    let addr = base | ((netnum as u128) << shift);
    Ok(format!("{}/{}", from_u128(&net, addr), new_len))
}

/// `cidrhost(prefix, hostnum)`.
fn host(prefix: &str, hostnum: i64) -> Result<String, String> {
    let net = parse(prefix)?;
    let size = 1u128 << (bits(&net) - net.prefix_len()).min(127);
    let n = if hostnum < 0 {
        size as i128 + hostnum as i128
    } else {
        hostnum as i128
    };
    if n < 0 || n as u128 >= size {
        return Err(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}",
            net.prefix_len()
        ));
    }
    Ok(from_u128(&net, to_u128(net.network()) + n as u128).to_string())
}

/// `cidrnetmask(prefix)`.
fn netmask(prefix: &str) -> Result<String, String> {
    match parse(prefix)? {
        IpNet::V4(n) => Ok(n.netmask().to_string()),
        IpNet::V6(n) => Ok(n.netmask().to_string()),
    }
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets of the given sizes, as
/// Terraform allocates them.
fn cidrsubnets(_: &Ctx, a: Vec<Value>) -> R {
    let net = parse(&string(&a, 0)?).map_err(|m| CallError::Arg(0, m))?;
    let width = bits(&net) as i64;
    let start = net.prefix_len() as i64;
    let newbits = (1..a.len())
        .map(|i| integer(&a, i))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = newbits.first() else {
        return Ok(Value::List(Vec::new()));
    };
    let mask = |len: i64| -> u128 {
        if len == 0 {
            0
        } else {
            (u128::MAX << (128 - len)) >> (128 - width)
        }
    };
    let all = if width == 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    let net_first = to_u128(net.network());
    let net_last = net_first | (all & !mask(start));
    // The subnet before the first one, so the loop's "next" lands on the network start.
    let first_len = (first + start).clamp(0, width);
    let mut current = (net_first.wrapping_sub(1) & all & mask(first_len), first_len);
    let mut out = Vec::new();
    for (i, bits_added) in newbits.iter().enumerate() {
        let len = bits_added + start;
        if len < 1 {
            return Err(CallError::Arg(
                i + 1,
                "must extend prefix by at least one bit".into(),
            ));
        }
        if len > width {
            return Err(CallError::Arg(
                i + 1,
                format!(
                    "would extend prefix to {len} bits, which is too long for an IPv{} address",
                    if width == 32 { 4 } else { 6 }
                ),
            ));
        }
        let (cur_ip, cur_len) = current;
        let cur_last = cur_ip | (all & !mask(cur_len));
        let in_new = cur_last & mask(len);
        let new_last = in_new | (all & !mask(len));
        let next = new_last.wrapping_add(1) & all;
        let rollover = next == 0;
        if rollover || next < net_first || next > net_last {
            return Err(CallError::Arg(
                i + 1,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {len} bits after {}/{cur_len}",
                    from_u128(&net, cur_ip)
                ),
            ));
        }
        current = (next & mask(len), len);
        out.push(Value::String(format!(
            "{}/{len}",
            from_u128(&net, current.0)
        )));
    }
    Ok(Value::List(out))
}
