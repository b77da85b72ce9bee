import{n as e}from"./marked.esm-CYb2ap_I.js";function t(t){return n(e.lex(t??``,{gfm:!0,breaks:!1})).replace(/[ \t]+\n/g,`
`).replace(/\n{3,}/g,`

`).trim()}function n(e){let t=[];for(let n of e){let e=r(n);e!==``&&t.push(e)}return t.join(`

`)}function r(e){switch(e.type){case`space`:case`def`:return``;case`hr`:return`—`;case`code`:return e.text;case`heading`:case`paragraph`:return i(e.tokens??[]).trim();case`blockquote`:return n(e.tokens??[]);case`list`:{let t=e,r=typeof t.start==`number`?t.start:1;return t.items.map((e,i)=>{let a=t.ordered?`${r+i}. `:`- `,o=e.task?e.checked?`[x] `:`[ ] `:``,s=n(e.tokens.filter(e=>e.type!==`checkbox`)).split(`
`).join(`
`+` `.repeat(a.length));return a+o+s}).join(t.loose?`

`:`
`)}case`table`:{let t=e,n=e=>e.map(e=>i(e.tokens).trim()).join(`	`);return[n(t.header),...t.rows.map(n)].join(`
`)}case`html`:return a(e.text).trim();case`text`:{let t=e;return t.tokens?i(t.tokens):s(t.text)}default:{let t=e;return t.tokens?i(t.tokens):s(t.text??``)}}}function i(e){let t=``;for(let n of e)switch(n.type){case`br`:t+=`
`;break;case`codespan`:t+=s(n.text);break;case`escape`:t+=n.text;break;case`html`:t+=/^<br\s*\/?>$/i.test(n.text.trim())?`
`:a(n.text);break;case`link`:{let e=n,r=i(e.tokens??[]);t+=e.href&&e.href!==r&&!e.href.startsWith(`mailto:`)?`${r} (${e.href})`:r;break}case`image`:t+=n.text;break;case`checkbox`:break;default:{let e=n;t+=e.tokens?i(e.tokens):s(e.text??``)}}return t}function a(e){return s(e.replace(/<br\s*\/?>/gi,`
`).replace(/<[^>]*>/g,``))}var o={amp:`&`,lt:`<`,gt:`>`,quot:`"`,apos:`'`,nbsp:`\xA0`};function s(e){return e.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi,(e,t)=>{if(t[0]===`#`){let n=t[1]===`x`||t[1]===`X`?parseInt(t.slice(2),16):parseInt(t.slice(1),10);return Number.isFinite(n)&&n>0&&n<=1114111?String.fromCodePoint(n):e}return o[t.toLowerCase()]??e})}export{t as markdownToPlain};