/* Inside WeChat's in-app browser a web page cannot launch Amap, Baidu or
   Tencent Maps; the links only open their web pages. Say so, and say how to
   get out: "···" → "在浏览器中打开". */
(function () {
  "use strict";
  if (!/MicroMessenger/i.test(navigator.userAgent)) return;
  var hint = document.getElementById("wechat-hint");
  if (hint) hint.hidden = false;
  document.documentElement.className += " in-wechat";
})();
