Hello ${name}!%{ for p in ports } :${p}%{ endfor }
